using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Tiers;

public sealed record TierMetric(string Name, string Window, Instant From, Instant To, decimal Value);

/// <summary>The tier above the one held, and how much of the metric is missing to reach it.</summary>
public sealed record NextTier(string Code, string Name, decimal Threshold, decimal Missing);

/// <summary>
/// A member's tier standing at <see cref="AsOf"/>, as an app shows it: the tier held and why, since when and until
/// when, the metric in the window then, the next tier and what is missing (<see cref="Progress"/>: the metric as a
/// share
/// of the next tier's threshold, 0 to 1), the tier's benefits, the tier earned, a floor, and the history so far.
/// </summary>
public sealed record TierStatus(
    Guid MemberId,
    Instant AsOf,
    int? RuleVersion,
    Tier? Tier,
    string Source,
    Instant? Since,
    Instant? ValidUntil,
    TierMetric? Metric,
    NextTier? NextTier,
    decimal Progress,
    string? EarnedTier,
    Instant? ReviewAt,
    Instant? GraceUntil,
    TierFloor? Assignment,
    IReadOnlyList<TierChange> History
)
{
    public static TierStatus Of(
        Guid memberId,
        TierStanding standing,
        Membership? membership,
        ProgramSettings program,
        Instant at
    )
    {
        var floor = standing.Floor?.ActiveAt(at) == true ? standing.Floor : null;
        var history = standing.History;
        if (program.TiersAt(at) is not { } version)
            return new(
                memberId,
                at,
                null,
                null,
                TierHeld.ByEarning,
                null,
                null,
                null,
                null,
                0,
                standing.Earned,
                standing.ReviewAt,
                standing.GraceUntil,
                floor,
                history
            );

        var (rules, zone) = (version.Rules, program.Zone());
        var held = TierHeld.At(standing, membership, rules, at);
        var value = standing.Metric(rules, zone, at);
        var metric = new TierMetric(rules.Metric, rules.Window, rules.WindowStart(at, zone), at, value);
        var above = rules.Above(held.Tier?.Code);
        var next = above is null
            ? null
            : new NextTier(above.Code, above.Name, above.Threshold, Math.Max(0, above.Threshold - value));
        var progress = above is null
            ? 1
            : Math.Min(1, decimal.Round(value / above.Threshold, 4, MidpointRounding.ToZero));
        return new(
            memberId,
            at,
            version.RuleVersion,
            held.Tier,
            held.Source,
            held.Since,
            held.Until,
            metric,
            next,
            progress,
            standing.Earned,
            standing.ReviewAt,
            standing.GraceUntil,
            floor,
            history
        );
    }

    /// <summary>The tier standing and membership a member's stream had made by <paramref name="asOf"/>.</summary>
    public static (TierStanding Standing, Membership? Membership) Replay(IEnumerable<IMemberEvent> stream, Instant asOf)
    {
        var (standing, membership) = (TierStanding.None, (Membership?)null);
        foreach (var e in stream.Where(e => MemberHistory.KnownAt(e) <= asOf))
        {
            standing = TierStanding.Evolve(standing, e);
            membership = Membership.Evolve(membership, e);
        }
        return (standing, membership);
    }
}
