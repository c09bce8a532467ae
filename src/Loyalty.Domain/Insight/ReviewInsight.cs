using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using NodaTime;

namespace Loyalty.Domain.Insight;

/// <summary>A night's segment for a member: the segment and the scores behind it.</summary>
public sealed record SegmentVerdict(string? Segment, RfmScore? Scores, LocalDate ScoredOn);

/// <summary>
/// Records what changed in a member's stage (from their account, today) and, after a night's scoring, in their
/// segment. Closed members are left where they were.
/// </summary>
public static class ReviewInsight
{
    public static IReadOnlyList<IMemberEvent> Decide(
        PointsAccount account,
        LifecycleThresholds thresholds,
        DateTimeZone zone,
        Instant now,
        SegmentVerdict? segment,
        Actor by
    )
    {
        if (!account.Enrolled || account.Closed)
            return [];
        var stage = Lifecycle.StageAt(account.EnrolledAt, account.LastPurchaseAt, now, zone, thresholds);
        var events = new List<IMemberEvent>();
        if (stage.Stage != account.Stage)
            events.Add(
                new MemberStageChanged(account.MemberId, account.Stage, stage.Stage, stage.Since, thresholds, now, by)
            );
        if (segment is not null && segment.Segment != account.Segment)
            events.Add(
                new MemberSegmentChanged(
                    account.MemberId,
                    account.Segment,
                    segment.Segment,
                    segment.Scores,
                    segment.ScoredOn,
                    now,
                    by
                )
            );
        return events;
    }
}
