using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Members;

/// <summary>Every event of a member's stream: profile and points movements alike.</summary>
public interface IMemberEvent
{
    Guid MemberId { get; }
}

/// <summary>What a member tells us about themselves.</summary>
public sealed record MemberProfile(string Name, string? Email, string? Phone, LocalDate? Birthday, string TimeZone);

/// <summary>
/// A member joined. <see cref="ConsolidationRecorded"/>: their lots are consolidated by <c>LotsConsolidated</c>
/// events; members enrolled before that had their lots consolidated by the fold (see <c>FrozenFoldRules</c>).
/// <see cref="Device"/>: a hash of the device they enrolled on, when the caller named one.
/// </summary>
public sealed record MemberEnrolled(
    Guid MemberId,
    string ExternalId,
    MemberProfile Profile,
    Instant At,
    Actor By,
    bool? ConsolidationRecorded = null,
    string? Device = null
) : IMemberEvent;

public sealed record MemberProfileUpdated(Guid MemberId, MemberProfile Profile, Instant At, Actor By) : IMemberEvent;

/// <summary>The member left the program: no more earning; the balance is kept and stays redeemable.</summary>
public sealed record MemberClosed(Guid MemberId, string Reason, Instant At, Actor By) : IMemberEvent;
