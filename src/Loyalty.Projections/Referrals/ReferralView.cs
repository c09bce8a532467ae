using JasperFx.Events;
using Loyalty.Domain.Referrals;
using Loyalty.Projections.Common;
using Marten.Events.Aggregation;
using NodaTime;

namespace Loyalty.Projections.Referrals;

/// <summary>When each step of a referral happened, for its history and the monthly report.</summary>
public sealed record ReferralTimeline(
    Instant? HeldAt = null,
    Instant? QualifiedAt = null,
    Instant? RewardedAt = null,
    Instant? FailedAt = null,
    Instant? RejectedAt = null,
    Instant? ClawedBackAt = null
);

/// <summary>
/// A referral as lists, reports and the member's figures read it: the <see cref="Referral"/> folded from its stream,
/// and when each step happened. <see cref="ReferrerId"/>, <see cref="Status"/> and
/// <see cref="MadeAtUnixMilliseconds"/> are indexed; lists are ordered by when referrals were made, then by
/// <see cref="Tiebreak"/>.
/// </summary>
public sealed record ReferralView(Guid Id, Referral Referral, ReferralTimeline Timeline)
{
    public Guid ReferrerId { get; init; } = Referral.ReferrerId;

    public string Status { get; init; } = Referral.Status;

    public bool Held { get; init; } = Referral.Held;

    /// <summary>When it was made, as a number, for filtering by time in the database.</summary>
    public long MadeAtUnixMilliseconds { get; init; } = Referral.MadeAt.ToUnixTimeMilliseconds();

    /// <summary>Orders referrals made in the same millisecond (the event sequence is not known inline).</summary>
    public long Tiebreak { get; init; } = BitConverter.ToInt64(Id.ToByteArray());

    /// <summary>Where a list goes on after this referral.</summary>
    public string Cursor => $"{MadeAtUnixMilliseconds}.{Tiebreak}";
}

/// <summary>Inline: a referral's next step decides on what the list shows the moment a write answers.</summary>
public sealed class ReferralViewProjection : SingleStreamProjection<ReferralView, Guid>
{
    public ReferralViewProjection()
    {
        foreach (var type in DomainEvents.Implementing<IReferralEvent>())
            IncludeType(type);
    }

    public override ReferralView? Evolve(ReferralView? snapshot, Guid id, IEvent e)
    {
        if (e.Data is not IReferralEvent @event || Referral.Evolve(snapshot?.Referral, @event) is not { } referral)
            return snapshot;
        var view = snapshot ?? new ReferralView(id, referral, new ReferralTimeline());
        var timeline = view.Timeline;
        view = @event switch
        {
            ReferralHeld h => view with { Timeline = timeline with { HeldAt = h.At } },
            ReferralQualified q => view with { Timeline = timeline with { QualifiedAt = q.At } },
            ReferralRewarded r => view with { Timeline = timeline with { RewardedAt = r.At } },
            ReferralFailed f => view with { Timeline = timeline with { FailedAt = f.At } },
            ReferralRejected r => view with { Timeline = timeline with { RejectedAt = r.At } },
            ReferralClawedBack c => view with { Timeline = timeline with { ClawedBackAt = c.At } },
            _ => view,
        };
        return view with { Referral = referral, Status = referral.Status, Held = referral.Held };
    }
}
