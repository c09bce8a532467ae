namespace Loyalty.Api.Auth;

/// <summary>Who may call (<c>Loyalty:Auth</c>).</summary>
public sealed class AuthSettings
{
    /// <summary>The first admin key. When empty, one is generated on a fresh install and printed once.</summary>
    public string? BootstrapAdminKey { get; set; }

    public JwtSettings Jwt { get; set; } = new();

    /// <summary>The most points a <c>support</c> user may add or remove in one adjustment.</summary>
    public int SupportAdjustmentLimit { get; set; } = 1_000;

    public RateLimitSettings RateLimit { get; set; } = new();

    /// <summary>How long a node trusts an API key it has read; a revocation elsewhere takes effect within it.</summary>
    public double KeyCacheSeconds { get; set; } = 5;
}

/// <summary>
/// Tokens from an external identity provider, for members' apps and staff. A token whose role claims name
/// a staff role, or whose subject was granted one, acts as staff; any other acts for the member whose
/// external id is in <see cref="MemberClaim"/>.
/// </summary>
public sealed class JwtSettings
{
    public string? Issuer { get; set; }
    public string? Audience { get; set; }

    /// <summary>An HMAC (HS256) key of at least 32 bytes, as text or <c>base64:</c>-prefixed.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An RSA or EC public key in PEM, for providers that sign with RS256/ES256.</summary>
    public string? PublicKeyPem { get; set; }

    public string MemberClaim { get; set; } = "sub";
    public string RoleClaim { get; set; } = "role";
    public string NameClaim { get; set; } = "name";

    public bool Configured =>
        !string.IsNullOrWhiteSpace(Issuer)
        && !string.IsNullOrWhiteSpace(Audience)
        && (!string.IsNullOrWhiteSpace(SigningKey) || !string.IsNullOrWhiteSpace(PublicKeyPem));
}

/// <summary>Token buckets per API key or staff user, and per member token.</summary>
public sealed class RateLimitSettings
{
    public int ClientPermitsPerSecond { get; set; } = 2_000;
    public int ClientBurst { get; set; } = 4_000;
    public int MemberPermitsPerSecond { get; set; } = 20;
    public int MemberBurst { get; set; } = 100;
}
