using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Tiers;

/// <summary>
/// A tier: reached at <see cref="Threshold"/> of the program's metric; its members earn
/// × <see cref="EarnMultiplier"/>.
/// </summary>
public sealed record Tier(
    string Code,
    string Name,
    decimal Threshold,
    decimal EarnMultiplier,
    IReadOnlyList<string> Benefits
);

/// <summary>
/// How members reach and keep tiers, lowest tier first. Dates are the program's local dates.
/// <list type="bullet">
/// <item><see cref="Metric"/>: <c>qualifying-points</c> (points from purchases before multipliers, and adjustments
/// flagged qualifying), <c>qualifying-spend</c> (amount paid, in the program's currency) or <c>purchases</c> (a
/// purchase
/// returned in full no longer counts).</item>
/// <item><see cref="Window"/>: <c>rolling-12-months</c> (from the same local date a year before) or
/// <c>calendar-year</c>.
/// At a review the window is the one the review closes: the twelve months, or the calendar year, up to the
/// review.</item>
/// <item><see cref="Review"/>: a tier reached is kept until the <c>anniversary</c> of reaching it, or until the
/// <c>end-of-year-after</c> the year it was reached; kept again, it is reviewed a year later.</item>
/// <item><see cref="Drop"/>: a member short of their tier at review drops <c>one-tier</c> or straight
/// <c>to-qualified</c>,
/// after <see cref="GraceDays"/> of grace in which reaching the tier again keeps it.</item>
/// </list>
/// </summary>
public sealed record TierRules(
    string Metric,
    string Window,
    string Review,
    string Drop,
    int GraceDays,
    IReadOnlyList<Tier> Tiers
)
{
    public const string QualifyingPoints = "qualifying-points",
        QualifyingSpend = "qualifying-spend",
        Purchases = "purchases";
    public const string Rolling12Months = "rolling-12-months",
        CalendarYear = "calendar-year";
    public const string Anniversary = "anniversary",
        EndOfYearAfter = "end-of-year-after";
    public const string OneTier = "one-tier",
        ToQualified = "to-qualified";
    public const int MaxTiers = 20,
        MaxGraceDays = 365,
        MaxBenefits = 20;
    public const decimal MaxMultiplier = 10;

    public int Rank(string? code)
    {
        for (var i = 0; i < Tiers.Count; i++)
            if (Tiers[i].Code == code)
                return i;
        return -1;
    }

    public Tier? Find(string? code) => Rank(code) is var i and >= 0 ? Tiers[i] : null;

    /// <summary>
    /// The highest tier whose threshold <paramref name="metric"/> reaches; null below every threshold.
    /// </summary>
    public Tier? QualifiedFor(decimal metric) => Tiers.LastOrDefault(t => metric >= t.Threshold);

    /// <summary>The tier every member holds without qualifying: the lowest, when its threshold is 0.</summary>
    public Tier? Base() => Tiers[0].Threshold == 0 ? Tiers[0] : null;

    public Tier? Above(string? code) => Rank(code) + 1 < Tiers.Count ? Tiers[Rank(code) + 1] : null;

    public Tier? Highest(IEnumerable<Tier?> tiers) => tiers.Where(t => t is not null).MaxBy(t => Rank(t!.Code));

    /// <summary>
    /// The window the metric is counted over when it is read at <paramref name="at"/> (the window ends there).
    /// </summary>
    public Instant WindowStart(Instant at, DateTimeZone zone) =>
        Window == CalendarYear
            ? zone.AtStartOfDay(new LocalDate((at - Duration.Epsilon).InZone(zone).Year, 1, 1)).ToInstant()
            : zone.AtStartOfDay(at.InZone(zone).Date.PlusMonths(-12)).ToInstant();

    /// <summary>When a tier reached at <paramref name="reachedAt"/> is first reviewed.</summary>
    public Instant FirstReview(Instant reachedAt, DateTimeZone zone) =>
        Review == EndOfYearAfter
            ? zone.AtStartOfDay(new LocalDate(reachedAt.InZone(zone).Year + 2, 1, 1)).ToInstant()
            : zone.AtStartOfDay(reachedAt.InZone(zone).Date.PlusYears(1)).ToInstant();

    /// <summary>A tier kept at a review is reviewed again a year later, on the same local date.</summary>
    public static Instant NextReview(Instant review, DateTimeZone zone) =>
        zone.AtStartOfDay(review.InZone(zone).Date.PlusYears(1)).ToInstant();

    public Instant GraceEnd(Instant review, DateTimeZone zone) =>
        zone.AtStartOfDay(review.InZone(zone).Date.PlusDays(GraceDays)).ToInstant();

    /// <summary>
    /// Where a member short of <paramref name="held"/> lands, qualifying for <paramref name="qualified"/>.
    /// </summary>
    public Tier? DropFrom(string held, Tier? qualified) =>
        Drop == OneTier ? Highest([qualified, Rank(held) > 0 ? Tiers[Rank(held) - 1] : null]) : qualified;

    public static TierRules From(
        string? metric,
        string? window,
        string? review,
        string? drop,
        int? graceDays,
        IReadOnlyList<Tier?>? tiers
    )
    {
        var m = OneOf(metric, "metric", QualifyingPoints, QualifyingSpend, Purchases);
        var w = OneOf(window, "window", Rolling12Months, CalendarYear);
        var r = OneOf(review, "review", Anniversary, EndOfYearAfter);
        var d = OneOf(drop, "drop", OneTier, ToQualified);
        if (graceDays is < 0 or > MaxGraceDays)
            throw new InvalidInput("graceDays", $"must be between 0 and {MaxGraceDays}");
        if (tiers is null || tiers.Count == 0)
            throw new InvalidInput("tiers", "at least one tier is required");
        if (tiers.Count > MaxTiers)
            throw new InvalidInput("tiers", $"at most {MaxTiers} tiers");

        var checkedTiers = new List<Tier>();
        for (var i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i] ?? throw new InvalidInput($"tiers[{i}]", "is required");
            var code = Guard.Required(tier.Code, $"tiers[{i}].code", 50);
            if (checkedTiers.Any(t => t.Code == code))
                throw new InvalidInput($"tiers[{i}].code", "appears twice");
            var name = Guard.Required(tier.Name, $"tiers[{i}].name", 100);
            if (tier.Threshold < 0)
                throw new InvalidInput($"tiers[{i}].threshold", "must not be negative");
            if (i > 0 && tier.Threshold <= checkedTiers[^1].Threshold)
                throw new InvalidInput($"tiers[{i}].threshold", "must be greater than the threshold of the tier below");
            checkedTiers.Add(
                new Tier(
                    code,
                    name,
                    tier.Threshold,
                    CheckedMultiplier(tier.EarnMultiplier, $"tiers[{i}].earnMultiplier"),
                    CheckedBenefits(tier.Benefits, $"tiers[{i}].benefits")
                )
            );
        }
        return new TierRules(m, w, r, d, graceDays ?? 0, checkedTiers);
    }

    /// <summary>
    /// A new version may rename tiers, move thresholds, change benefits and add tiers, but keeps every tier of the
    /// current version in the same order: members hold those tiers, and their history names them.
    /// </summary>
    public void MustKeepTiersOf(TierRules? current)
    {
        if (current is null)
            return;
        var kept = Tiers.Select(t => t.Code).Where(code => current.Rank(code) >= 0).ToList();
        var missing = current.Tiers.FirstOrDefault(t => Rank(t.Code) < 0);
        if (missing is not null)
            throw new RuleBroken("tiers", $"tier '{missing.Code}' must stay: members may hold it");
        if (!kept.SequenceEqual(current.Tiers.Select(t => t.Code)))
            throw new RuleBroken("tiers", "the tiers of the current rules must keep their order");
    }

    /// <summary>An earn multiplier, a tier's or a plan's: from 1 (none) to <see cref="MaxMultiplier"/>.</summary>
    internal static decimal CheckedMultiplier(decimal multiplier, string field) =>
        multiplier is >= 1 and <= MaxMultiplier
            ? multiplier
            : throw new InvalidInput(field, $"must be between 1 and {MaxMultiplier}");

    /// <summary>
    /// Named benefits, a tier's or a plan's: at most <see cref="MaxBenefits"/>, each a name of up to 100 characters.
    /// </summary>
    internal static IReadOnlyList<string> CheckedBenefits(IReadOnlyList<string>? benefits, string field)
    {
        benefits ??= [];
        if (benefits.Count > MaxBenefits)
            throw new InvalidInput(field, $"at most {MaxBenefits}");
        return benefits.Select((b, j) => Guard.Required(b, $"{field}[{j}]", 100)).ToArray();
    }

    private static string OneOf(string? value, string field, params string[] allowed)
    {
        var v = Guard.Required(value, field, 30);
        return allowed.Contains(v) ? v : throw new InvalidInput(field, $"must be one of {string.Join(", ", allowed)}");
    }
}

/// <summary>Tier rules as a rule version made them, in force from <see cref="EffectiveFrom"/>.</summary>
public sealed record TierRulesVersion(int RuleVersion, Instant EffectiveFrom, TierRules Rules);
