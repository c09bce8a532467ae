using System.ComponentModel.DataAnnotations;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using NodaTime;
using NodaTime.Text;

namespace Loyalty.Api.Campaigns;

/// <summary>What sets the campaign off.</summary>
/// <param name="Kind"><c>purchase</c>, <c>enrollment</c> (a welcome bonus), <c>first-purchase</c>,
/// <c>engagement</c>, <c>birthday</c> or <c>automation</c> (given only when an automation awards it).</param>
/// <param name="EngagementType">For <c>engagement</c>: the type it answers to (<c>sign-in</c>, <c>share</c>,
/// <c>review</c>, <c>profile-completed</c>, <c>app-installed</c>, or one the program names).</param>
/// <param name="DaysBefore">For <c>birthday</c>: how many days before the birthday it gives (0 to 31; default 0),
/// in the member's own time zone.</param>
public sealed record CampaignTriggerRequest([Required] string? Kind, string? EngagementType, int? DaysBefore);

/// <summary>
/// Conditions that must all hold; left out, no condition. <c>skus</c> and <c>categories</c> choose the purchase lines
/// the campaign applies to.
/// </summary>
/// <param name="Skus">Lines whose SKU is one of these.</param>
/// <param name="Categories">Lines whose category is one of these.</param>
/// <param name="Stores">Purchases in one of these stores.</param>
/// <param name="Channels">Purchases made through one of these channels (the purchase's <c>channel</c>).</param>
/// <param name="Tiers">Members holding one of these tiers when it happened.</param>
/// <param name="Membership">Members with an active paid membership: <c>any</c>, or a plan's code.</param>
/// <param name="MinimumAmount">The least paid on the matching lines (or on the whole purchase, with
/// <c>minimumOnPurchase</c>).</param>
/// <param name="MinimumOnPurchase">Whether the minimum counts the whole purchase (default: the matching lines).</param>
/// <param name="DaysOfWeek">Local days in the program's zone: <c>monday</c> … <c>sunday</c>.</param>
/// <param name="FromTime">Local time of day it starts, <c>HH:mm</c> (give <c>untilTime</c> too).</param>
/// <param name="UntilTime">Local time of day it stops, <c>HH:mm</c>, exclusive; before <c>fromTime</c>: past
/// midnight.</param>
/// <param name="EnrolledAtLeastDays">Members enrolled at least this many days.</param>
/// <param name="EnrolledAtMostDays">Members enrolled at most this many days.</param>
/// <param name="Attributes">For engagements: attributes that must have exactly these values.</param>
/// <param name="Segments">Members in one of these RFM segments (last night's), e.g. <c>at-risk</c>.</param>
/// <param name="Stages">Members in one of these lifecycle stages when it happened, e.g. <c>dormant</c>.</param>
public sealed record CampaignConditionsRequest(
    IReadOnlyList<string>? Skus = null,
    IReadOnlyList<string>? Categories = null,
    IReadOnlyList<string>? Stores = null,
    IReadOnlyList<string>? Channels = null,
    IReadOnlyList<string>? Tiers = null,
    string? Membership = null,
    decimal? MinimumAmount = null,
    bool? MinimumOnPurchase = null,
    IReadOnlyList<string>? DaysOfWeek = null,
    string? FromTime = null,
    string? UntilTime = null,
    int? EnrolledAtLeastDays = null,
    int? EnrolledAtMostDays = null,
    IReadOnlyDictionary<string, string>? Attributes = null,
    IReadOnlyList<string>? Segments = null,
    IReadOnlyList<string>? Stages = null
);

/// <summary>What the campaign gives.</summary>
/// <param name="Kind"><c>points-per-purchase</c>, <c>points-per-line</c>, <c>points-per-unit</c>,
/// <c>points-per-amount</c> or <c>multiplier</c>.</param>
/// <param name="Points">The points given (for every <c>perAmount</c> paid, with <c>points-per-amount</c>).</param>
/// <param name="PerAmount">For <c>points-per-amount</c>: the amount that earns <c>points</c>.</param>
/// <param name="Multiplier">For <c>multiplier</c>: above 1, at most 10; the matching lines' points at the earn rate
/// times it, of which the campaign adds the bonus (multiplier − 1).</param>
/// <param name="Qualifying">Whether its points count toward tiers (default false).</param>
/// <param name="ExpiresAfterDays">Its points expire this many days after they are given (default: the program's
/// expiry policy).</param>
public sealed record CampaignEffectRequest(
    [Required] string? Kind,
    int? Points = null,
    decimal? PerAmount = null,
    decimal? Multiplier = null,
    bool? Qualifying = null,
    int? ExpiresAfterDays = null
);

/// <summary>How much one member may get in a local period.</summary>
/// <param name="Period"><c>day</c>, <c>week</c> (from Monday), <c>month</c> or <c>lifetime</c>.</param>
/// <param name="Times">How many awards.</param>
/// <param name="Points">How many points.</param>
public sealed record CampaignLimitRequest([Required] string? Period, int? Times = null, int? Points = null);

/// <summary>A campaign as the program manager sets it; every change is a new version.</summary>
/// <param name="Name">What the program calls it.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Status"><c>draft</c>, <c>active</c>, <c>paused</c> or <c>ended</c> (ended is final).</param>
/// <param name="From">When it starts (inclusive); or <c>fromDate</c>, a local date in the program's zone.</param>
/// <param name="Until">When it stops (exclusive); or <c>untilDate</c>, the last local day it runs.</param>
/// <param name="FromDate">The local day it starts, in the program's zone.</param>
/// <param name="UntilDate">The last local day it runs, in the program's zone.</param>
/// <param name="Trigger">What sets it off.</param>
/// <param name="Conditions">What must hold.</param>
/// <param name="Effect">What it gives.</param>
/// <param name="Limits">Limits per member, at most one per period.</param>
/// <param name="Budget">Points it may give over its life, net of returns; none when left out.</param>
/// <param name="Priority">Higher goes first (0 to 1000; default 0).</param>
/// <param name="Exclusive">Whether it applies alone on the lines it matches (default false: it stacks).</param>
/// <param name="ExpectedVersion">The version the change is made on (0 for a new campaign): a stale one is 412.</param>
/// <example>
/// {"name":"Double points on coffee","status":"active","trigger":{"kind":"purchase"},
///  "conditions":{"skus":["COFFEE-1KG"]},"effect":{"kind":"multiplier","multiplier":2},
///  "limits":[{"period":"day","times":1}],"budget":100000,"priority":10}
/// </example>
public sealed record ChangeCampaignRequest(
    [Required] string? Name,
    [Required] string? Status,
    [Required] CampaignTriggerRequest? Trigger,
    [Required] CampaignEffectRequest? Effect,
    string? Description = null,
    Instant? From = null,
    Instant? Until = null,
    LocalDate? FromDate = null,
    LocalDate? UntilDate = null,
    CampaignConditionsRequest? Conditions = null,
    IReadOnlyList<CampaignLimitRequest?>? Limits = null,
    long? Budget = null,
    int? Priority = null,
    bool? Exclusive = null,
    int? ExpectedVersion = null
)
{
    /// <summary>Local times of day, as campaigns are sent and shown.</summary>
    internal static readonly LocalTimePattern Time = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    /// <summary>The rules the request sets, with dates placed in the program's zone.</summary>
    public CampaignRules ToRules(ProgramSettings program)
    {
        var zone = program.Zone();
        if (FromDate?.Year > 9000 || UntilDate?.Year > 9000)
            throw new InvalidInput(FromDate?.Year > 9000 ? "fromDate" : "untilDate", "must be before the year 9000");
        if (From is not null && FromDate is not null)
            throw new InvalidInput("fromDate", "give from or fromDate, not both");
        if (Until is not null && UntilDate is not null)
            throw new InvalidInput("untilDate", "give until or untilDate, not both");
        var trigger = Trigger ?? throw new InvalidInput("trigger", "is required");
        var effect = Effect ?? throw new InvalidInput("effect", "is required");
        var c = Conditions ?? new CampaignConditionsRequest();
        return new CampaignRules(
            Name ?? throw new InvalidInput("name", "is required"),
            Description,
            Status ?? throw new InvalidInput("status", "is required"),
            From ?? FromDate?.AtStartOfDayInZone(zone).ToInstant(),
            Until ?? UntilDate?.PlusDays(1).AtStartOfDayInZone(zone).ToInstant(),
            new CampaignTrigger(
                trigger.Kind ?? throw new InvalidInput("trigger.kind", "is required"),
                trigger.EngagementType,
                trigger.DaysBefore ?? 0
            ),
            new CampaignConditions(
                c.Skus,
                c.Categories,
                c.Stores,
                c.Channels,
                c.Tiers,
                c.Membership,
                c.MinimumAmount,
                c.MinimumOnPurchase ?? false,
                c.DaysOfWeek?.Select((d, i) => Day(d, $"conditions.daysOfWeek[{i}]")).ToList(),
                TimeOf(c.FromTime, "conditions.fromTime"),
                TimeOf(c.UntilTime, "conditions.untilTime"),
                c.EnrolledAtLeastDays,
                c.EnrolledAtMostDays,
                c.Attributes,
                c.Segments,
                c.Stages
            ),
            new CampaignEffect(
                effect.Kind ?? throw new InvalidInput("effect.kind", "is required"),
                effect.Points,
                effect.PerAmount,
                effect.Multiplier,
                effect.Qualifying ?? false,
                effect.ExpiresAfterDays
            ),
            (Limits ?? [])
                .Select(
                    (l, i) =>
                        l is null
                            ? throw new InvalidInput($"limits[{i}]", "is required")
                            : new CampaignLimit(
                                l.Period ?? throw new InvalidInput($"limits[{i}].period", "is required"),
                                l.Times,
                                l.Points
                            )
                )
                .ToList(),
            Budget,
            Priority ?? 0,
            Exclusive ?? false
        );
    }

    private static IsoDayOfWeek Day(string? day, string field) =>
        Enum.GetValues<IsoDayOfWeek>().Skip(1).FirstOrDefault(d => d.ToString().ToLowerInvariant() == day) is var parsed
        && parsed != IsoDayOfWeek.None
            ? parsed
            : throw new InvalidInput(field, "must be a day of the week in lower case: monday … sunday");

    private static LocalTime? TimeOf(string? time, string field) =>
        time is null ? null
        : Time.Parse(time) is { Success: true } parsed ? parsed.Value
        : throw new InvalidInput(field, "must be a local time, HH:mm");
}

/// <summary>A campaign's trigger, as set.</summary>
public sealed record CampaignTriggerView(string Kind, string? EngagementType, int DaysBefore);

/// <summary>A campaign's conditions, as set (null: no such condition); times are local, <c>HH:mm</c>.</summary>
public sealed record CampaignConditionsView(
    IReadOnlyList<string>? Skus,
    IReadOnlyList<string>? Categories,
    IReadOnlyList<string>? Stores,
    IReadOnlyList<string>? Channels,
    IReadOnlyList<string>? Tiers,
    string? Membership,
    decimal? MinimumAmount,
    bool MinimumOnPurchase,
    IReadOnlyList<string>? DaysOfWeek,
    string? FromTime,
    string? UntilTime,
    int? EnrolledAtLeastDays,
    int? EnrolledAtMostDays,
    IReadOnlyDictionary<string, string>? Attributes,
    IReadOnlyList<string>? Segments = null,
    IReadOnlyList<string>? Stages = null
);

/// <summary>A campaign's effect, as set.</summary>
public sealed record CampaignEffectView(
    string Kind,
    int? Points,
    decimal? PerAmount,
    decimal? Multiplier,
    bool Qualifying,
    int? ExpiresAfterDays
);

/// <summary>A limit per member, as set.</summary>
public sealed record CampaignLimitView(string Period, int? Times, int? Points);

/// <summary>The rules of one version of a campaign (see the change's request for each field).</summary>
public sealed record CampaignDefinition(
    string Name,
    string? Description,
    string Status,
    Instant? From,
    Instant? Until,
    CampaignTriggerView Trigger,
    CampaignConditionsView Conditions,
    CampaignEffectView Effect,
    IReadOnlyList<CampaignLimitView> Limits,
    long? Budget,
    int Priority,
    bool Exclusive
)
{
    public static CampaignDefinition Of(CampaignRules r)
    {
        var c = r.Conditions;
        return new(
            r.Name,
            r.Description,
            r.Status,
            r.From,
            r.Until,
            new CampaignTriggerView(r.Trigger.Kind, r.Trigger.EngagementType, r.Trigger.DaysBefore),
            new CampaignConditionsView(
                c.Skus,
                c.Categories,
                c.Stores,
                c.Channels,
                c.Tiers,
                c.Membership,
                c.MinimumAmount,
                c.MinimumOnPurchase,
                c.DaysOfWeek?.Select(d => d.ToString().ToLowerInvariant()).ToList(),
                c.FromTime is { } from ? ChangeCampaignRequest.Time.Format(from) : null,
                c.UntilTime is { } until ? ChangeCampaignRequest.Time.Format(until) : null,
                c.EnrolledAtLeastDays,
                c.EnrolledAtMostDays,
                c.Attributes,
                c.Segments,
                c.Stages
            ),
            new CampaignEffectView(
                r.Effect.Kind,
                r.Effect.Points,
                r.Effect.PerAmount,
                r.Effect.Multiplier,
                r.Effect.Qualifying,
                r.Effect.ExpiresAfterDays
            ),
            r.Limits.Select(l => new CampaignLimitView(l.Period, l.Times, l.Points)).ToList(),
            r.Budget,
            r.Priority,
            r.Exclusive
        );
    }
}

/// <summary>One version of a campaign.</summary>
/// <param name="Version">Its number, from 1.</param>
/// <param name="EffectiveFrom">When it came into force.</param>
/// <param name="Change">What made it: <c>changed</c>, <c>paused</c>, <c>resumed</c> or <c>ended</c>.</param>
/// <param name="Rules">Its rules.</param>
public sealed record CampaignVersionResponse(
    int Version,
    Instant EffectiveFrom,
    string Change,
    CampaignDefinition Rules
);

/// <summary>A campaign: its current version, every version before, and its budget.</summary>
/// <param name="Code">Its code, in the path.</param>
/// <param name="Version">The current version: what a change names as <c>expectedVersion</c>.</param>
/// <param name="Status">The current version's status.</param>
/// <param name="Current">The current version's rules.</param>
/// <param name="Versions">Every version, oldest first.</param>
/// <param name="BudgetUsed">Points given so far, net of returns, when it has a budget.</param>
/// <param name="BudgetLeft">Points it may still give, when it has a budget.</param>
public sealed record CampaignResponse(
    string Code,
    int Version,
    string Status,
    CampaignDefinition Current,
    IReadOnlyList<CampaignVersionResponse> Versions,
    long? BudgetUsed = null,
    long? BudgetLeft = null
)
{
    public static CampaignResponse From(Campaign campaign, Projections.Campaigns.CampaignBudget? budget) =>
        new(
            campaign.Code,
            campaign.Version,
            campaign.Current.Rules.Status,
            CampaignDefinition.Of(campaign.Current.Rules),
            campaign
                .Versions.Select(v => new CampaignVersionResponse(
                    v.Version,
                    v.EffectiveFrom,
                    v.Change,
                    CampaignDefinition.Of(v.Rules)
                ))
                .ToList(),
            campaign.Current.Rules.Budget is null ? null : budget?.Used,
            campaign.Current.Rules.Budget is null ? null : budget?.Left
        );
}
