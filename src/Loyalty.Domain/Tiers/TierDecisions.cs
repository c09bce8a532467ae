using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Tiers;

/// <summary>
/// How the tier a member earned moves: up as soon as the metric crosses a threshold, down only at review.
/// </summary>
public static class TierQualification
{
    /// <summary>
    /// After qualifying activity: an upgrade when the metric now reaches a tier above the one earned (several at once
    /// if
    /// so), or, in grace, the tier kept when it is reached again. Returns lower the metric and so change nothing here.
    /// </summary>
    public static IMemberEvent[] AfterActivity(PointsAccount account, ProgramSettings program, Instant at, Actor by)
    {
        if (program.TiersAt(at) is not { } version)
            return [];
        var (rules, zone, standing) = (version.Rules, program.Zone(), account.Tier);
        var value = standing.Metric(rules, zone, at);
        var qualified = rules.QualifiedFor(value);
        var earnedRank = rules.Rank(standing.Earned ?? rules.Base()?.Code);
        if (rules.Rank(qualified?.Code) > earnedRank)
            return
            [
                new TierUpgraded(
                    account.MemberId,
                    standing.Earned ?? rules.Base()?.Code,
                    qualified!.Code,
                    rules.Metric,
                    value,
                    version.RuleVersion,
                    rules.FirstReview(at, zone),
                    at,
                    by
                ),
            ];
        if (
            standing is { GraceUntil: not null, ReviewAt: { } review, Earned: { } earned }
            && rules.Rank(qualified?.Code) == earnedRank
        )
            return
            [
                new TierRequalified(
                    account.MemberId,
                    earned,
                    rules.Metric,
                    value,
                    version.RuleVersion,
                    TierRules.NextReview(review, zone),
                    at,
                    by
                ),
            ];
        return [];
    }

    /// <summary>The events of <paramref name="decided"/> followed by the tier change they cause, if any.</summary>
    public static IReadOnlyList<IMemberEvent> Following(
        PointsAccount account,
        IReadOnlyList<IMemberEvent> decided,
        ProgramSettings program,
        Instant at,
        Actor by
    )
    {
        if (decided.Count == 0 || program.TiersAt(at) is null)
            return decided;
        // Only the standing matters here: the lots and balance are evolved once, by the write itself.
        var tier = AfterActivity(
            account with
            {
                Standing = decided.Aggregate(account.Tier, TierStanding.Evolve),
            },
            program,
            at,
            by
        );
        return tier.Length == 0 ? decided : [.. decided, .. tier];
    }

    /// <summary>
    /// The review job's decision at <paramref name="now"/>: whatever reviews and grace ends have come, in order, each
    /// recorded at the moment it was due. Nothing due: nothing recorded, so running it twice changes nothing.
    /// </summary>
    public static IMemberEvent[] Review(PointsAccount account, ProgramSettings program, Instant now, Actor by)
    {
        var decided = new List<IMemberEvent>();
        for (var step = 0; step < 10 && ReviewOnce(account, program, now, by) is { } next; step++)
        {
            decided.Add(next);
            account = PointsAccount.Evolve(account, next);
        }
        return [.. decided];
    }

    private static IMemberEvent? ReviewOnce(PointsAccount account, ProgramSettings program, Instant now, Actor by)
    {
        var standing = account.Tier;
        if (standing is not { Earned: { } earned, ReviewAt: { } review })
            return null;
        var due = standing.GraceUntil ?? review;
        if (now < due || program.TiersAt(due) is not { } version)
            return null;
        var (rules, zone, id) = (version.Rules, program.Zone(), account.MemberId);

        var atReview = standing.Metric(rules, zone, review);
        var value = standing.GraceUntil is { } graceEnd
            ? Math.Max(atReview, standing.Metric(rules, zone, graceEnd))
            : atReview;
        var qualified = rules.QualifiedFor(value);
        var (rank, heldRank) = (rules.Rank(qualified?.Code), rules.Rank(earned));
        if (rank > heldRank)
            return new TierUpgraded(
                id,
                earned,
                qualified!.Code,
                rules.Metric,
                value,
                version.RuleVersion,
                TierRules.NextReview(review, zone),
                due,
                by
            );
        if (rank == heldRank)
            return new TierRequalified(
                id,
                earned,
                rules.Metric,
                value,
                version.RuleVersion,
                TierRules.NextReview(review, zone),
                due,
                by
            );
        if (standing.GraceUntil is null && rules.GraceDays > 0)
            return new TierGraceStarted(
                id,
                earned,
                qualified?.Code,
                rules.Metric,
                value,
                version.RuleVersion,
                rules.GraceEnd(review, zone),
                due,
                by
            );
        var to = rules.DropFrom(earned, qualified);
        return new TierDowngraded(
            id,
            earned,
            to?.Code,
            rules.Metric,
            value,
            version.RuleVersion,
            to is null || to == rules.Base() ? null : TierRules.NextReview(review, zone),
            due,
            by
        );
    }
}
