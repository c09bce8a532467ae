namespace Loyalty.Domain.Common;

/// <summary>
/// A refusal of a command, naming the offending field and why. Each kind maps to one HTTP status, in one place.
/// </summary>
public abstract class DomainError(string field, string reason) : Exception($"{field}: {reason}")
{
    public string Field { get; } = field;
    public string Reason { get; } = reason;
}

/// <summary>The input is not well formed (400).</summary>
public sealed class InvalidInput(string field, string reason) : DomainError(field, reason);

/// <summary>Something the command names does not exist (404).</summary>
public sealed class NotFound(string field, string reason) : DomainError(field, reason);

/// <summary>An idempotency key or a unique value is already taken by different content (409).</summary>
public sealed class Conflict(string field, string reason) : DomainError(field, reason);

/// <summary>The caller acted on a version that is no longer current (412).</summary>
public sealed class StaleVersion(string field, string reason) : DomainError(field, reason);

/// <summary>A well-formed command that a business rule refuses (422).</summary>
public sealed class RuleBroken(string field, string reason) : DomainError(field, reason);
