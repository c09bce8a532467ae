using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Loyalty.Api.Tests.Infrastructure;

/// <summary>Tokens as the identity provider would issue them, signed with the key the test hosts trust.</summary>
public static class Tokens
{
    public const string Issuer = "https://id.example.test";
    public const string Audience = "loyalty-api";
    public const string SigningKey = "test-signing-key-for-hs256-at-least-32-bytes!";

    public static string ForMember(
        string externalId,
        TimeSpan? lifetime = null,
        string audience = Audience,
        string key = SigningKey
    ) => Mint([new Claim("sub", externalId)], lifetime, audience, key);

    public static string ForStaff(string subject, params string[] roles) =>
        Mint(
            [
                new Claim("sub", subject),
                new Claim("name", subject + " (staff)"),
                .. roles.Select(r => new Claim("role", r)),
            ],
            null,
            Audience,
            SigningKey
        );

    private static string Mint(IEnumerable<Claim> claims, TimeSpan? lifetime, string audience, string key)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        return new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = audience,
                Subject = new ClaimsIdentity(claims),
                IssuedAt = expires < now ? expires - TimeSpan.FromMinutes(10) : now,
                NotBefore = expires < now ? expires - TimeSpan.FromMinutes(10) : now,
                Expires = expires,
                SigningCredentials = new SigningCredentials(
                    new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)),
                    SecurityAlgorithms.HmacSha256
                ),
            }
        );
    }
}
