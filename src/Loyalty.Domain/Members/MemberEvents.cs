using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Members;

/// <summary>Every event of a member's stream: profile and points movements alike.</summary>
public interface IMemberEvent
{
    Guid MemberId { get; }

    /// <summary>When it happened in business terms (a purchase's <c>occurredAt</c>).</summary>
    Instant At { get; }
}

/// <summary>A member's stream read as it stood at a past moment.</summary>
public static class MemberHistory
{
    /// <summary>
    /// When an event became known to the service: purchases, returns, campaign points and engagements reported late
    /// carry when they were recorded; everything else was recorded as it happened.
    /// </summary>
    public static Instant KnownAt(IMemberEvent @event) =>
        @event switch
        {
            Points.PointsEarned e => e.RecordedAt,
            Points.PointsReversed e => e.RecordedAt,
            Campaigns.CampaignPointsEarned e => e.RecordedAt,
            Campaigns.CampaignPointsReversed e => e.RecordedAt,
            Campaigns.EngagementRecorded e => e.RecordedAt,
            _ => @event.At,
        };
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
