using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Loyalty.Api.Auth;

/// <summary>
/// <c>token member &lt;external-id&gt;</c> or <c>token staff &lt;subject&gt; &lt;role&gt;…</c>: prints a JWT,
/// valid for an hour, signed with the configured HS256 key (<c>Loyalty:Auth:Jwt</c>), for trying the member and
/// staff examples without an identity provider. Only a service configured with that same key accepts it.
/// </summary>
public static class DevelopmentTokens
{
    public static int Print(IConfiguration configuration, string[] args)
    {
        var jwt = configuration.GetSection("Loyalty:Auth").Get<AuthSettings>()?.Jwt ?? new JwtSettings();
        if (string.IsNullOrWhiteSpace(jwt.SigningKey) || !jwt.Configured)
        {
            Console.Error.WriteLine(
                "Set Loyalty__Auth__Jwt__Issuer, Loyalty__Auth__Jwt__Audience and "
                    + "Loyalty__Auth__Jwt__SigningKey (at least 32 characters) here and on the service, then "
                    + "mint a token "
                    + "again."
            );
            return 2;
        }
        Claim[]? claims = args switch
        {
            ["member", var externalId] => [new Claim(jwt.MemberClaim, externalId)],
            ["staff", var subject, .. var roles] when roles.Length > 0 =>
            [
                new Claim("sub", subject),
                new Claim(jwt.NameClaim, subject),
                .. roles.Select(r => new Claim(jwt.RoleClaim, r)),
            ],
            _ => null,
        };
        if (claims is null)
        {
            Console.Error.WriteLine("Usage: token member <external-id> | token staff <subject> <role> [<role>…]");
            return 2;
        }
        var key = jwt.SigningKey.StartsWith("base64:")
            ? Convert.FromBase64String(jwt.SigningKey[7..])
            : Encoding.UTF8.GetBytes(jwt.SigningKey);
        Console.WriteLine(
            new JsonWebTokenHandler().CreateToken(
                new SecurityTokenDescriptor
                {
                    Issuer = jwt.Issuer,
                    Audience = jwt.Audience,
                    Subject = new ClaimsIdentity(claims),
                    Expires = DateTime.UtcNow.AddHours(1),
                    SigningCredentials = new SigningCredentials(
                        new SymmetricSecurityKey(key),
                        SecurityAlgorithms.HmacSha256
                    ),
                }
            )
        );
        return 0;
    }
}
