using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Loyalty.Api.Auth;

/// <summary>
/// The shape of a key: <c>lk_&lt;key id&gt;_&lt;secret&gt;</c>. The id finds the key; only the SHA-256 of the
/// whole key is stored, and it is compared in constant time.
/// </summary>
public static class ApiKeySecrets
{
    /// <summary>The stream of the bootstrap admin key, whether configured or generated.</summary>
    public static readonly Guid BootstrapKeyId = new("10000000-0000-0000-0000-00000000b007");

    public static string NewKey(Guid keyId) => $"lk_{keyId:N}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Which key a presented value claims to be; a configured bootstrap key may have any shape.</summary>
    public static Guid IdOf(string presented) =>
        presented.Length > 36
        && presented.StartsWith("lk_")
        && presented[35] == '_'
        && Guid.TryParseExact(presented[3..35], "N", out var id)
            ? id
            : BootstrapKeyId;

    public static bool Matches(string presented, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Hash(presented)),
            Encoding.ASCII.GetBytes(storedHash)
        );

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Authenticates <c>X-Api-Key: &lt;key&gt;</c> or <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDocumentStore store,
    ApiKeyCache cache
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public static string? Presented(HttpRequest request)
    {
        var header = request.Headers["X-Api-Key"].ToString();
        if (!string.IsNullOrWhiteSpace(header))
            return header.Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization[7..].Trim()
            : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented(Request);
        if (string.IsNullOrEmpty(presented))
            return AuthenticateResult.NoResult();

        var key = await cache.GetAsync(
            ApiKeySecrets.IdOf(presented),
            async id =>
            {
                await using var session = store.QuerySession();
                return await session.LoadAsync<ApiKey>(id, Context.RequestAborted);
            }
        );
        if (key is null || !ApiKeySecrets.Matches(presented, key.SecretHash))
            return AuthenticateResult.Fail("the API key is not valid");
        if (key.Revoked)
            return AuthenticateResult.Fail("the API key was revoked");

        var kind = key.Roles.Count > 0 ? Caller.Staff : Caller.System;
        var identity = Caller.Identity(
            SchemeName,
            kind,
            key.Id.ToString(),
            key.Name,
            Permissions.Of(key.Scopes, key.Roles),
            key.Roles,
            key.Source,
            key.Stores
        );
        return AuthenticateResult.Success(new AuthenticationTicket(new(identity), SchemeName));
    }
}

/// <summary>
/// Keys as recently read (<c>Loyalty:Auth:KeyCacheSeconds</c>, default 5). Revoking a key forgets it at once
/// on the node that revoked it; other nodes refuse it within the cache's lifetime.
/// </summary>
public sealed class ApiKeyCache(IOptions<AuthSettings> settings)
    : ShortCache<Guid, ApiKey?>(TimeSpan.FromSeconds(settings.Value.KeyCacheSeconds));
