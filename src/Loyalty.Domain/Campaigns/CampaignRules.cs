using NodaTime;

namespace Loyalty.Domain.Campaigns;

/// <summary>
/// What starts a campaign: a purchase, the member's enrolment (a welcome bonus), their first purchase, an engagement
/// of a named <see cref="EngagementType"/>, their birthday (<see cref="DaysBefore"/> it, in the member's zone), or an
/// automation that names the campaign in its award.
/// </summary>
public sealed record CampaignTrigger(string Kind, string? EngagementType = null, int DaysBefore = 0)
{
    public const string Purchase = "purchase",
        Enrollment = "enrollment",
        FirstPurchase = "first-purchase",
        Engagement = "engagement",
        Birthday = "birthday",
        Automation = "automation";

    public static readonly string[] Kinds = [Purchase, Enrollment, FirstPurchase, Engagement, Birthday, Automation];

    public bool OnPurchase => Kind is Purchase or FirstPurchase;
}

/// <summary>
/// Conditions that must all hold; those about articles (<see cref="Skus"/>, <see cref="Categories"/>) say which lines
/// of a purchase match, the others are about the purchase, the member or the moment. Left out: no condition.
/// <see cref="MinimumAmount"/> is paid on the matching lines, or on the whole purchase when
/// <see cref="MinimumOnPurchase"/>. Days and hours are local to the program's zone; an hour range whose end is before
/// its start runs past midnight.
/// </summary>
public sealed record CampaignConditions(
    IReadOnlyList<string>? Skus = null,
    IReadOnlyList<string>? Categories = null,
    IReadOnlyList<string>? Stores = null,
    IReadOnlyList<string>? Channels = null,
    IReadOnlyList<string>? Tiers = null,
    string? Membership = null,
    decimal? MinimumAmount = null,
    bool MinimumOnPurchase = false,
    IReadOnlyList<IsoDayOfWeek>? DaysOfWeek = null,
    LocalTime? FromTime = null,
    LocalTime? UntilTime = null,
    int? EnrolledAtLeastDays = null,
    int? EnrolledAtMostDays = null,
    IReadOnlyDictionary<string, string>? Attributes = null,
    IReadOnlyList<string>? Segments = null,
    IReadOnlyList<string>? Stages = null
)
{
    /// <summary>An active paid membership of any plan.</summary>
    public const string AnyMembership = "any";

    public static readonly CampaignConditions None = new();

    public bool ChoosesLines => Skus is not null || Categories is not null;

    // By value, lists and all: the same rules sent again are no change.
    public bool Equals(CampaignConditions? other) =>
        other is not null
        && Same(Skus, other.Skus)
        && Same(Categories, other.Categories)
        && Same(Stores, other.Stores)
        && Same(Channels, other.Channels)
        && Same(Tiers, other.Tiers)
        && Membership == other.Membership
        && MinimumAmount == other.MinimumAmount
        && MinimumOnPurchase == other.MinimumOnPurchase
        && Same(DaysOfWeek, other.DaysOfWeek)
        && FromTime == other.FromTime
        && UntilTime == other.UntilTime
        && EnrolledAtLeastDays == other.EnrolledAtLeastDays
        && EnrolledAtMostDays == other.EnrolledAtMostDays
        && Same(Attributes?.OrderBy(a => a.Key).ToList(), other.Attributes?.OrderBy(a => a.Key).ToList())
        && Same(Segments, other.Segments)
        && Same(Stages, other.Stages);

    public override int GetHashCode() => HashCode.Combine(Skus?.Count, Categories?.Count, MinimumAmount);

    internal static bool Same<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b);
}

/// <summary>
/// What a campaign gives. <see cref="Kind"/>: <c>points-per-purchase</c>, <c>points-per-line</c> or
/// <c>points-per-unit</c> (<see cref="Points"/> each), <c>points-per-amount</c> (<see cref="Points"/> for every
/// <see cref="PerAmount"/> paid on the matching lines) or <c>multiplier</c> (the matching lines' points at the earn
/// rate times <see cref="Multiplier"/>: its bonus, <see cref="Multiplier"/> − 1, is what the campaign adds).
/// <see cref="Qualifying"/> points count toward tiers; <see cref="ExpiresAfterDays"/> sets their own expiry (else the
/// program's policy).
/// </summary>
public sealed record CampaignEffect(
    string Kind,
    int? Points = null,
    decimal? PerAmount = null,
    decimal? Multiplier = null,
    bool Qualifying = false,
    int? ExpiresAfterDays = null
)
{
    public const string PerPurchase = "points-per-purchase",
        PerLine = "points-per-line",
        PerUnit = "points-per-unit",
        PerAmountSpent = "points-per-amount",
        Multiplies = "multiplier";

    public static readonly string[] Kinds = [PerPurchase, PerLine, PerUnit, PerAmountSpent, Multiplies];

    public const decimal MaxMultiplier = 10;

    public bool OnLines => Kind is not PerPurchase;

    /// <summary>How the effect reads in an explanation: "×2", "+5 per unit", "+1 per 10.00".</summary>
    public string Describe() =>
        Kind switch
        {
            Multiplies => $"×{Multiplier:0.##}",
            PerLine => $"+{Points} per line",
            PerUnit => $"+{Points} per unit",
            PerAmountSpent => $"+{Points} per {PerAmount:0.00}",
            _ => $"+{Points}",
        };
}

/// <summary>
/// How much one member may get from a campaign per local <see cref="Period"/> (<c>day</c>, <c>week</c> from Monday,
/// <c>month</c>, or the campaign's <c>lifetime</c>): a number of <see cref="Times"/> and/or of <see cref="Points"/>.
/// </summary>
public sealed record CampaignLimit(string Period, int? Times = null, int? Points = null)
{
    public const string Day = "day",
        Week = "week",
        Month = "month",
        Lifetime = "lifetime";

    public static readonly string[] Periods = [Day, Week, Month, Lifetime];
}

/// <summary>
/// One version of a campaign: its name, status, the window it runs in (<see cref="From"/> inclusive,
/// <see cref="Until"/> exclusive; open when null), trigger, conditions, effect, limits per member, budget in points
/// over its whole life (none when null), priority and whether it is exclusive.
/// </summary>
public sealed record CampaignRules(
    string Name,
    string? Description,
    string Status,
    Instant? From,
    Instant? Until,
    CampaignTrigger Trigger,
    CampaignConditions Conditions,
    CampaignEffect Effect,
    IReadOnlyList<CampaignLimit> Limits,
    long? Budget,
    int Priority,
    bool Exclusive
)
{
    public const string Draft = "draft",
        Active = "active",
        Paused = "paused",
        Ended = "ended";

    public static readonly string[] Statuses = [Draft, Active, Paused, Ended];

    public bool RunsAt(Instant at) => Status == Active && (From is null || From <= at) && (Until is null || at < Until);

    // By value, limits included: the same rules sent again are no change.
    public bool Equals(CampaignRules? other) =>
        other is not null
        && (Name, Description, Status, From, Until, Trigger, Conditions, Effect, Budget, Priority, Exclusive)
            == (
                other.Name,
                other.Description,
                other.Status,
                other.From,
                other.Until,
                other.Trigger,
                other.Conditions,
                other.Effect,
                other.Budget,
                other.Priority,
                other.Exclusive
            )
        && CampaignConditions.Same(Limits, other.Limits);

    public override int GetHashCode() => HashCode.Combine(Name, Status, Trigger, Effect, Priority);
}
