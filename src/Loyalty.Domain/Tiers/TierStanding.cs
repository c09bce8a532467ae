using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Points;
using NodaTime;

namespace Loyalty.Domain.Tiers;

/// <summary>
/// A floor a program manager set: the member holds at least <see cref="Tier"/> until <see cref="Until"/>.
/// </summary>
public sealed record TierFloor(string AssignmentId, string Tier, string Reason, Instant Until, Instant At, Actor By)
{
    public bool ActiveAt(Instant at) => At <= at && at < Until;
}

/// <summary>One line of a member's tier history, as its event recorded it.</summary>
public sealed record TierChange(
    Instant At,
    string Kind,
    string? From,
    string? To,
    decimal? Value,
    int? RuleVersion,
    Instant? Until,
    string? Reason
);

/// <summary>
/// The tier a member earned (<see cref="Earned"/>, reached at <see cref="Since"/>, reviewed at <see cref="ReviewAt"/>,
/// in grace until <see cref="GraceUntil"/>), the floor a program manager set, the qualifying activity the metric is
/// counted from, and the history of changes.
/// </summary>
public sealed record TierStanding(
    string? Earned,
    Instant? Since,
    Instant? ReviewAt,
    Instant? GraceUntil,
    TierFloor? Floor,
    IReadOnlyList<QualifyingSlot> Qualifying,
    IReadOnlyList<TierChange> History
)
{
    public static readonly TierStanding None = new(null, null, null, null, null, [], []);

    /// <summary>When the review job has something to do for this member.</summary>
    public Instant? NextCheck() => Earned is null ? null : GraceUntil ?? ReviewAt;

    public decimal Metric(TierRules rules, DateTimeZone zone, Instant at) =>
        QualifyingSlot.Sum(Qualifying, rules.Metric, rules.WindowStart(at, zone), at);

    public static TierStanding Evolve(TierStanding standing, IMemberEvent @event) =>
        @event switch
        {
            PointsEarned e => standing.Counting(QualifyingActivity.Of(e), e.At),
            PointsReversed { Qualifying: { } q } e => standing.Counting(q, e.At),
            PointsAdjusted { Qualifying: true } e => standing.Counting(QualifyingActivity.Of(e), e.At),
            Campaigns.CampaignPointsEarned { Qualifying: { } q } e => standing.Counting(q, e.At),
            Campaigns.CampaignPointsReversed { Qualifying: { } q } e => standing.Counting(q, e.At),
            Referrals.ReferralPointsEarned { QualifyingActivity: { } q } e => standing.Counting(q, e.At),
            Referrals.ReferralPointsClawedBack { Qualifying: { } q } e => standing.Counting(q, e.At),
            TierUpgraded e => standing with
            {
                Earned = e.To,
                Since = e.At,
                ReviewAt = e.ReviewAt,
                GraceUntil = null,
                History =
                [
                    .. standing.History,
                    new(e.At, "upgraded", e.From, e.To, e.Value, e.RuleVersion, e.ReviewAt, null),
                ],
            },
            TierRequalified e => standing with
            {
                ReviewAt = e.ReviewAt,
                GraceUntil = null,
                History =
                [
                    .. standing.History,
                    new(e.At, "requalified", e.Tier, e.Tier, e.Value, e.RuleVersion, e.ReviewAt, null),
                ],
            },
            TierGraceStarted e => standing with
            {
                GraceUntil = e.GraceUntil,
                History =
                [
                    .. standing.History,
                    new(e.At, "grace-started", e.Tier, e.QualifiesFor, e.Value, e.RuleVersion, e.GraceUntil, null),
                ],
            },
            TierDowngraded e => standing with
            {
                Earned = e.To,
                Since = e.At,
                ReviewAt = e.ReviewAt,
                GraceUntil = null,
                History =
                [
                    .. standing.History,
                    new(e.At, "downgraded", e.From, e.To, e.Value, e.RuleVersion, e.ReviewAt, null),
                ],
            },
            TierAssigned e => standing with
            {
                Floor = new TierFloor(e.AssignmentId, e.Tier, e.Reason, e.Until, e.At, e.By),
                History = [.. standing.History, new(e.At, "assigned", null, e.Tier, null, null, e.Until, e.Reason)],
            },
            _ => standing,
        };

    /// <summary>The standing with <paramref name="activity"/> counted toward the metric.</summary>
    public TierStanding Counting(QualifyingActivity activity, Instant latest) =>
        this with
        {
            Qualifying = QualifyingSlot.Add(Qualifying, activity, latest),
        };
}

/// <summary>
/// The tier a member holds at a moment, and why: <c>earned</c>, <c>assigned</c> (a floor) or <c>membership</c> (a
/// plan's minimum).
/// </summary>
public sealed record TierHeld(Tier? Tier, string Source, Instant? Since, Instant? Until)
{
    public const string ByEarning = "earned",
        ByAssignment = "assigned",
        ByMembership = "membership";

    /// <summary>
    /// The highest of: the tier earned (or the base tier), a floor still running, a tier an active membership
    /// guarantees. On a tie the earned tier is the reason given.
    /// </summary>
    public static TierHeld At(TierStanding standing, Membership? membership, TierRules rules, Instant at)
    {
        var earned = rules.Find(standing.Earned) ?? rules.Base();
        var candidates = new List<TierHeld>
        {
            new(
                earned,
                ByEarning,
                standing.Earned is null ? null : standing.Since,
                standing.GraceUntil ?? standing.ReviewAt
            ),
        };
        if (standing.Floor is { } floor && floor.ActiveAt(at) && rules.Find(floor.Tier) is { } assigned)
            candidates.Add(new(assigned, ByAssignment, floor.At, floor.Until));
        if (membership is { } m && m.ActiveAt(at) && rules.Find(m.Plan.MinimumTier) is { } guaranteed)
            candidates.Add(new(guaranteed, ByMembership, m.StartedAt, m.ActiveUntil()));
        return candidates.Aggregate(
            (best, next) => rules.Rank(next.Tier?.Code) > rules.Rank(best.Tier?.Code) ? next : best
        );
    }
}
