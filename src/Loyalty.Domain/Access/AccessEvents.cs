using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Access;

/// <summary>Every event about who may call: API keys and staff roles. All of them are admin actions, audited.</summary>
public interface IAccessEvent;

/// <summary>
/// An API key was issued. Only the SHA-256 of its secret is kept; the key itself was shown once, to its
/// issuer. A system key records its writes as <see cref="Source"/> and, when <see cref="Stores"/> is not
/// empty, only for those stores.
/// </summary>
public sealed record ApiKeyIssued(
    Guid KeyId,
    string Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> Roles,
    string Source,
    IReadOnlyList<string> Stores,
    string SecretHash,
    Instant At,
    Actor By
) : IAccessEvent;

/// <summary>The key no longer opens anything.</summary>
public sealed record ApiKeyRevoked(Guid KeyId, string Reason, Instant At, Actor By) : IAccessEvent;

/// <summary>The configured bootstrap admin key changed: the old secret no longer opens anything.</summary>
public sealed record ApiKeySecretReplaced(Guid KeyId, string SecretHash, Instant At, Actor By) : IAccessEvent;

/// <summary>A staff user (by the identity provider's subject) was given a role.</summary>
public sealed record StaffRoleGranted(string Subject, string Role, Instant At, Actor By) : IAccessEvent;

public sealed record StaffRoleRevoked(string Subject, string Role, Instant At, Actor By) : IAccessEvent;
