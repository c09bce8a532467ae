using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Access;

/// <summary>An API key as its stream tells it.</summary>
public sealed record ApiKey(
    Guid Id,
    string Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> Roles,
    string Source,
    IReadOnlyList<string> Stores,
    string SecretHash,
    Instant IssuedAt,
    Instant? RevokedAt
)
{
    public bool Revoked => RevokedAt is not null;

    public static ApiKey? Evolve(ApiKey? key, IAccessEvent @event) =>
        (key, @event) switch
        {
            (null, ApiKeyIssued e) => new ApiKey(
                e.KeyId,
                e.Name,
                e.Scopes,
                e.Roles,
                e.Source,
                e.Stores,
                e.SecretHash,
                e.At,
                null
            ),
            (not null, ApiKeyRevoked e) => key with { RevokedAt = e.At },
            (not null, ApiKeySecretReplaced e) => key with { SecretHash = e.SecretHash, RevokedAt = null },
            _ => key,
        };
}

/// <summary>An admin issues a key for a system (scopes) or for staff work (roles).</summary>
public sealed record IssueApiKey(
    Guid KeyId,
    string? Name,
    IReadOnlyList<string>? Scopes,
    IReadOnlyList<string>? Roles,
    string? Source,
    IReadOnlyList<string>? Stores,
    string SecretHash,
    Instant At,
    Actor By
)
{
    public static ApiKeyIssued Decide(IssueApiKey cmd)
    {
        var name = Guard.Required(cmd.Name, "name", 100);
        var scopes = (cmd.Scopes ?? []).Distinct().ToArray();
        var roles = (cmd.Roles ?? []).Distinct().ToArray();
        for (var i = 0; i < scopes.Length; i++)
            if (!Permissions.Scopes.Contains(scopes[i]))
                throw new InvalidInput(
                    $"scopes[{i}]",
                    $"'{scopes[i]}' is not a scope; scopes are {string.Join(", ", Permissions.Scopes)}"
                );
        for (var i = 0; i < roles.Length; i++)
            if (!Permissions.Roles.ContainsKey(roles[i]))
                throw new InvalidInput(
                    $"roles[{i}]",
                    $"'{roles[i]}' is not a role; roles are {string.Join(", ", Permissions.Roles.Keys)}"
                );
        if (scopes.Length == 0 && roles.Length == 0)
            throw new InvalidInput("scopes", "a key needs at least one scope or role");
        var stores = (cmd.Stores ?? []).Select((s, i) => Guard.Required(s, $"stores[{i}]", 100)).Distinct().ToArray();
        var source = Guard.Optional(cmd.Source, "source", 100) ?? name;
        return new ApiKeyIssued(cmd.KeyId, name, scopes, roles, source, stores, cmd.SecretHash, cmd.At, cmd.By);
    }
}

public sealed record RevokeApiKey(string Reason, Instant At, Actor By)
{
    public static RevokeApiKey Parse(string? reason, Instant at, Actor by) =>
        new(Guard.Required(reason, "reason", 500), at, by);

    public static IAccessEvent[] Decide(ApiKey key, RevokeApiKey cmd) =>
        key.Revoked ? [] : [new ApiKeyRevoked(key.Id, cmd.Reason, cmd.At, cmd.By)];
}
