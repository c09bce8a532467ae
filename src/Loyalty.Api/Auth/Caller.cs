using System.Security.Claims;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;

namespace Loyalty.Api.Auth;

/// <summary>The caller lacks the scope, store, source or member the request needs (403).</summary>
public sealed class Forbidden(string field, string reason) : DomainError(field, reason);

/// <summary>The authenticated caller as the endpoints see it: who, what kind, and what they may do.</summary>
public sealed class Caller(ClaimsPrincipal principal)
{
    public const string KindClaim = "loyalty:kind";
    public const string IdClaim = "loyalty:id";
    public const string NameClaim = "loyalty:name";
    public const string PermissionClaim = "loyalty:permission";
    public const string RoleClaim = "loyalty:role";
    public const string SourceClaim = "loyalty:source";
    public const string StoreClaim = "loyalty:store";

    public const string System = "system";
    public const string Staff = "staff";
    public const string Member = "member";

    public static Caller Of(HttpContext http) => new(http.User);

    public string Kind => principal.FindFirstValue(KindClaim) ?? "anonymous";
    public string Id => principal.FindFirstValue(IdClaim) ?? "anonymous";
    public bool IsMember => Kind == Member;
    public IEnumerable<string> Roles => principal.FindAll(RoleClaim).Select(c => c.Value);

    public bool Has(string permission) => principal.HasClaim(PermissionClaim, permission);

    /// <summary>Recorded on every event the caller causes.</summary>
    public Actor Actor => new(Kind, Id, principal.FindFirstValue(NameClaim) ?? Id);

    /// <summary>
    /// The source a system's purchases are recorded under: its key's, never the body's. Staff (an admin
    /// correcting a till's mistake) may name the source they act for.
    /// </summary>
    public string SourceFor(string? requested)
    {
        var own = principal.FindFirstValue(SourceClaim) ?? $"{Kind}:{Id}";
        if (Kind == Staff)
            return requested ?? own;
        if (requested is not null && requested != own)
            throw new Forbidden("source", $"this key records purchases as '{own}'");
        return own;
    }

    public void MayUseStore(string? storeId)
    {
        var stores = principal.FindAll(StoreClaim).Select(c => c.Value).ToArray();
        if (stores.Length > 0 && storeId is not null && !stores.Contains(storeId))
            throw new Forbidden("storeId", $"this key is bound to stores {string.Join(", ", stores)}");
    }

    /// <summary>Support adjusts within a limit; admins and system keys are not limited.</summary>
    public void MayAdjust(int points, int supportLimit)
    {
        if (
            Roles.Contains(Permissions.Support)
            && !Roles.Contains(Permissions.Admin)
            && Math.Abs((long)points) > supportLimit
        )
            throw new Forbidden("points", $"support may adjust at most {supportLimit} points at once");
    }

    public static ClaimsIdentity Identity(
        string scheme,
        string kind,
        string id,
        string name,
        IEnumerable<string> permissions,
        IEnumerable<string>? roles = null,
        string? source = null,
        IEnumerable<string>? stores = null
    )
    {
        var claims = new List<Claim> { new(KindClaim, kind), new(IdClaim, id), new(NameClaim, name) };
        claims.AddRange(permissions.Select(p => new Claim(PermissionClaim, p)));
        claims.AddRange((roles ?? []).Select(r => new Claim(RoleClaim, r)));
        if (source is not null)
            claims.Add(new Claim(SourceClaim, source));
        claims.AddRange((stores ?? []).Select(s => new Claim(StoreClaim, s)));
        return new ClaimsIdentity(claims, scheme, NameClaim, RoleClaim);
    }
}
