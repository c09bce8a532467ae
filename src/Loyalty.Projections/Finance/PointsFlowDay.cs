using JasperFx.Events;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points;
using Loyalty.Domain.Referrals;
using Marten.Events.Projections;
using NodaTime;

namespace Loyalty.Projections.Finance;

/// <summary>
/// What moved the program's outstanding points in one UTC day, per quarter of an hour (<see cref="Slots"/>, by the
/// quarter's number in the day), by when each event became known. Quarters because every time zone's midnight falls
/// on one's start: a local day or month of any zone is a whole number of them, 23- and 25-hour days included, and
/// the program's zone may change without a rebuild. <see cref="EpochDay"/> (indexed) is the day's number.
/// </summary>
public sealed record PointsFlowDay(string Id, long EpochDay, IReadOnlyDictionary<int, PointsFlow> Slots)
{
    public const int SlotsPerDay = 96;

    public static LocalDate DateOf(Instant at) => at.InUtc().Date;

    public static string IdOf(LocalDate day) => day.ToString("yyyy-MM-dd", null);

    public static long EpochDayOf(LocalDate day) =>
        Period.Between(new LocalDate(1970, 1, 1), day, PeriodUnits.Days).Days;

    /// <summary>Each quarter that moved anything, with the instant it starts.</summary>
    public IEnumerable<(Instant At, PointsFlow Flow)> Flows()
    {
        var start = Instant.FromUnixTimeSeconds(EpochDay * 86_400);
        return Slots.Select(s => (start + Duration.FromMinutes(15 * s.Key), s.Value));
    }

    public PointsFlowDay Adding(Instant at, PointsFlow flow)
    {
        var slot = (int)((at - Instant.FromUnixTimeSeconds(EpochDay * 86_400)).TotalMinutes / 15);
        var slots = new Dictionary<int, PointsFlow>(Slots);
        slots[slot] = slots.GetValueOrDefault(slot, PointsFlow.None).Plus(flow);
        return this with { Slots = slots };
    }
}

/// <summary>
/// Async, like the audit: finance reads days that have closed, and it can be rebuilt from the events at any time.
/// </summary>
public sealed class PointsFlowDayProjection : MultiStreamProjection<PointsFlowDay, string>
{
    public PointsFlowDayProjection()
    {
        Daily<PointsEarned>();
        Daily<PointsReversed>();
        Daily<PointsRedeemed>();
        Daily<RedemptionCancelled>();
        Daily<PointsAdjusted>();
        Daily<PointsExpired>();
        Daily<HoldCaptured>();
        Daily<MembershipBonusEarned>();
        Daily<CampaignPointsEarned>();
        Daily<CampaignPointsReversed>();
        Daily<ReferralPointsEarned>();
        Daily<ReferralPointsClawedBack>();
    }

    /// <summary>An event type that moves outstanding points, by the UTC day it became known.</summary>
    private void Daily<T>()
        where T : IMemberEvent => Identity<T>(e => PointsFlowDay.IdOf(PointsFlowDay.DateOf(MemberHistory.KnownAt(e))));

    public override PointsFlowDay? Evolve(PointsFlowDay? snapshot, string id, IEvent e)
    {
        if (e.Data is not IMemberEvent @event || PointsFlow.Of(@event) is var flow && flow == PointsFlow.None)
            return snapshot;
        var at = MemberHistory.KnownAt(@event);
        var day = PointsFlowDay.DateOf(at);
        snapshot ??= new PointsFlowDay(id, PointsFlowDay.EpochDayOf(day), new Dictionary<int, PointsFlow>());
        return snapshot.Adding(at, flow);
    }
}
