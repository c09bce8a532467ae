using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Insight;

/// <summary>The stages of a member's life in the program, from joining to leaving off buying.</summary>
public static class LifecycleStage
{
    public const string New = "new";
    public const string Active = "active";
    public const string AtRisk = "at-risk";
    public const string Dormant = "dormant";
    public const string Churned = "churned";

    public static readonly IReadOnlyList<string> All = [New, Active, AtRisk, Dormant, Churned];
}

/// <summary>
/// The day thresholds of the stages, a program setting: a member is <c>new</c> for <see cref="NewDays"/> days from
/// enrolment; after that, counted from their last purchase (from enrolment if none), <c>active</c> until
/// <see cref="AtRiskAfterDays"/> quiet days, then <c>at-risk</c>, <c>dormant</c> from
/// <see cref="DormantAfterDays"/> and <c>churned</c> from <see cref="ChurnedAfterDays"/>.
/// </summary>
public sealed record LifecycleThresholds(
    int NewDays = 30,
    int AtRiskAfterDays = 60,
    int DormantAfterDays = 90,
    int ChurnedAfterDays = 180
)
{
    public const int MaxDays = 3650;

    public static readonly LifecycleThresholds Default = new();

    /// <summary>The thresholds as sent, checked: each failure names the field.</summary>
    public static LifecycleThresholds Parse(int? newDays, int? atRisk, int? dormant, int? churned, string field)
    {
        var thresholds = new LifecycleThresholds(
            Days(newDays, Default.NewDays, $"{field}.newDays"),
            Days(atRisk, Default.AtRiskAfterDays, $"{field}.atRiskAfterDays"),
            Days(dormant, Default.DormantAfterDays, $"{field}.dormantAfterDays"),
            Days(churned, Default.ChurnedAfterDays, $"{field}.churnedAfterDays")
        );
        if (thresholds.DormantAfterDays <= thresholds.AtRiskAfterDays)
            throw new InvalidInput($"{field}.dormantAfterDays", "must be greater than atRiskAfterDays");
        if (thresholds.ChurnedAfterDays <= thresholds.DormantAfterDays)
            throw new InvalidInput($"{field}.churnedAfterDays", "must be greater than dormantAfterDays");
        return thresholds;
    }

    private static int Days(int? days, int otherwise, string field) =>
        days is null ? otherwise
        : days is < 1 or > MaxDays ? throw new InvalidInput(field, $"must be between 1 and {MaxDays}")
        : days.Value;
}

/// <summary>A member's stage on a day, and the day they entered it.</summary>
public sealed record StageOnDay(string Stage, LocalDate Since);

public static class Lifecycle
{
    /// <summary>The stage at <paramref name="at"/>, counted in local days of <paramref name="zone"/>.</summary>
    public static StageOnDay StageAt(
        Instant enrolledAt,
        Instant? lastPurchaseAt,
        Instant at,
        DateTimeZone zone,
        LifecycleThresholds thresholds
    ) => StageOn(enrolledAt.InZone(zone).Date, lastPurchaseAt?.InZone(zone).Date, at.InZone(zone).Date, thresholds);

    /// <summary>
    /// The stage on <paramref name="today"/> of a member enrolled on <paramref name="enrolled"/> whose last
    /// purchase was on <paramref name="lastPurchase"/> (local dates of the program's zone).
    /// </summary>
    public static StageOnDay StageOn(
        LocalDate enrolled,
        LocalDate? lastPurchase,
        LocalDate today,
        LifecycleThresholds thresholds
    )
    {
        if (Period.DaysBetween(enrolled, today) < thresholds.NewDays)
            return new(LifecycleStage.New, enrolled);
        var quietFrom = lastPurchase ?? enrolled;
        var quiet = Period.DaysBetween(quietFrom, today);
        if (quiet >= thresholds.ChurnedAfterDays)
            return new(LifecycleStage.Churned, quietFrom.PlusDays(thresholds.ChurnedAfterDays));
        if (quiet >= thresholds.DormantAfterDays)
            return new(LifecycleStage.Dormant, quietFrom.PlusDays(thresholds.DormantAfterDays));
        if (quiet >= thresholds.AtRiskAfterDays)
            return new(LifecycleStage.AtRisk, quietFrom.PlusDays(thresholds.AtRiskAfterDays));
        var endOfNew = enrolled.PlusDays(thresholds.NewDays);
        return new(LifecycleStage.Active, LocalDate.Max(endOfNew, quietFrom));
    }
}
