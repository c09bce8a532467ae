using System.Text.RegularExpressions;
using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Campaigns;

/// <summary>
/// A program manager sets up or changes a campaign (PUT): a new version, or, when only the status moves, a pause, a
/// resumption or the end. The same rules again record nothing.
/// </summary>
public sealed partial record ChangeCampaign(
    string Code,
    CampaignRules Rules,
    int? ExpectedVersion,
    Instant At,
    Actor By
)
{
    public const int MaxListEntries = 500,
        MaxPriority = 1000,
        MaxPoints = 100_000,
        MaxExpiryDays = 3650;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex CodePattern();

    /// <summary>The campaign as sent, checked: each failure names the field.</summary>
    public static ChangeCampaign Parse(
        string? code,
        CampaignRules rules,
        int? expectedVersion,
        ProgramSettings program,
        Instant at,
        Actor by
    )
    {
        var checkedCode = Guard.Required(code, "code", Campaign.MaxCodeLength);
        if (!CodePattern().IsMatch(checkedCode))
            throw new InvalidInput("code", "must be lower-case letters, digits and hyphens, e.g. summer-coffee");
        Guard.Required(rules.Name, "name");
        Guard.Optional(rules.Description, "description", 2000);
        if (!CampaignRules.Statuses.Contains(rules.Status))
            throw new InvalidInput("status", $"must be one of {string.Join(", ", CampaignRules.Statuses)}");
        if (rules.From is { } from && rules.Until is { } until && until <= from)
            throw new RuleBroken("until", "must be after from: the campaign could never run");
        if (rules.Priority is < 0 or > MaxPriority)
            throw new InvalidInput("priority", $"must be between 0 and {MaxPriority}");
        if (rules.Budget < 0)
            throw new RuleBroken("budget", "must not be below zero");
        CheckTrigger(rules.Trigger);
        CheckConditions(rules.Conditions, rules.Trigger, program);
        CheckEffect(rules.Effect, rules.Trigger);
        CheckLimits(rules.Limits);
        return new(checkedCode, rules, expectedVersion, at, by);
    }

    /// <param name="campaign">the campaign as it stands, null when new</param>
    /// <param name="others">every other campaign, for overlapping exclusive ones</param>
    /// <param name="budgetUsed">points the campaign has given so far (net of returns)</param>
    public static ICampaignEvent[] Decide(
        Campaign? campaign,
        IReadOnlyList<Campaign> others,
        long budgetUsed,
        ChangeCampaign cmd
    )
    {
        var (rules, version) = (cmd.Rules, (campaign?.Version ?? 0) + 1);
        if (cmd.ExpectedVersion is { } expected && expected != (campaign?.Version ?? 0))
            throw new StaleVersion("expectedVersion", $"the campaign is at version {campaign?.Version ?? 0}");
        var current = campaign?.Current.Rules;
        if (current?.Status == CampaignRules.Ended)
            throw new RuleBroken("status", "the campaign has ended and cannot change");
        if (current == rules)
            return [];
        if (current is null && rules.Status is CampaignRules.Paused or CampaignRules.Ended)
            throw new RuleBroken("status", "a new campaign starts as draft or active");
        if (rules.Status == CampaignRules.Active)
            CheckInForce(rules, current, cmd.At, others.Where(o => o.Code != cmd.Code));
        if (rules.Budget is { } budget && budget < budgetUsed)
            throw new RuleBroken("budget", $"the campaign has already given {budgetUsed} points");

        if (current is not null && current with { Status = rules.Status } == rules)
        {
            ICampaignEvent? moved = rules.Status switch
            {
                CampaignRules.Paused => new CampaignPaused(cmd.Code, version, cmd.At, cmd.By),
                CampaignRules.Active when current.Status == CampaignRules.Paused => new CampaignResumed(
                    cmd.Code,
                    version,
                    cmd.At,
                    cmd.By
                ),
                CampaignRules.Ended => new CampaignEnded(cmd.Code, version, cmd.At, cmd.By),
                _ => null,
            };
            if (moved is not null)
                return [moved];
        }
        return [new CampaignChanged(cmd.Code, version, rules, cmd.At, cmd.By)];
    }

    /// <summary>
    /// An active version takes effect now: its window may not lie in the past, nor may it start earlier than now
    /// unless the start is the one already in force; and no other active exclusive campaign on the same trigger, at
    /// the same priority, may run at the same time (which would win could not be told).
    /// </summary>
    private static void CheckInForce(
        CampaignRules rules,
        CampaignRules? current,
        Instant now,
        IEnumerable<Campaign> others
    )
    {
        if (rules.Until is { } until && until <= now)
            throw new RuleBroken("until", "is in the past: an active campaign must still run");
        if (rules.From is { } from && from < now && from != current?.From)
            throw new RuleBroken("from", "is in the past: a campaign never gives for what happened before it");
        if (!rules.Exclusive)
            return;
        var clash = others
            .Select(o => o.Current)
            .FirstOrDefault(o =>
                o.Rules is { Status: CampaignRules.Active, Exclusive: true } other
                && other.Priority == rules.Priority
                && other.Trigger == rules.Trigger
                && (other.Until is null || rules.From is null || rules.From < other.Until)
                && (rules.Until is null || other.From is null || other.From < rules.Until)
            );
        if (clash is not null)
            throw new RuleBroken(
                "priority",
                "another active exclusive campaign has the same trigger, priority and dates: give one a higher priority"
            );
    }

    private static void CheckTrigger(CampaignTrigger trigger)
    {
        if (!CampaignTrigger.Kinds.Contains(trigger.Kind))
            throw new InvalidInput("trigger.kind", $"must be one of {string.Join(", ", CampaignTrigger.Kinds)}");
        if (trigger.Kind == CampaignTrigger.Engagement)
            RecordEngagement.CheckType(trigger.EngagementType, "trigger.engagementType");
        else if (trigger.EngagementType is not null)
            throw new InvalidInput("trigger.engagementType", "is for engagement triggers only");
        if (trigger.DaysBefore is < 0 or > 31)
            throw new InvalidInput("trigger.daysBefore", "must be between 0 and 31");
        if (trigger.DaysBefore != 0 && trigger.Kind != CampaignTrigger.Birthday)
            throw new InvalidInput("trigger.daysBefore", "is for birthday triggers only");
    }

    private static void CheckConditions(CampaignConditions c, CampaignTrigger trigger, ProgramSettings program)
    {
        CheckList(c.Skus, "conditions.skus");
        CheckList(c.Categories, "conditions.categories");
        CheckList(c.Stores, "conditions.stores");
        CheckList(c.Channels, "conditions.channels");
        CheckList(c.Tiers, "conditions.tiers");
        if (!trigger.OnPurchase)
        {
            string? purchaseOnly =
                c.Skus is not null ? "skus"
                : c.Categories is not null ? "categories"
                : c.Stores is not null ? "stores"
                : c.Channels is not null ? "channels"
                : c.MinimumAmount is not null ? "minimumAmount"
                : null;
            if (purchaseOnly is not null)
                throw new RuleBroken(
                    $"conditions.{purchaseOnly}",
                    "is about purchases: the campaign could never match"
                );
        }
        if (c.Attributes is not null && trigger.Kind != CampaignTrigger.Engagement)
            throw new RuleBroken("conditions.attributes", "is about engagements: the campaign could never match");
        var tiers = program.LatestTiers()?.Tiers.Select(t => t.Code).ToHashSet() ?? [];
        if (c.Tiers?.FirstOrDefault(t => !tiers.Contains(t)) is { } unknownTier)
            throw new RuleBroken("conditions.tiers", $"the program has no tier '{unknownTier}'");
        if (
            c.Membership is { } plan
            && plan != CampaignConditions.AnyMembership
            && program.MembershipPlans.All(p => p.Code != plan)
        )
            throw new RuleBroken("conditions.membership", $"the program has no membership plan '{plan}'");
        if (c.MinimumAmount is < 0)
            throw new InvalidInput("conditions.minimumAmount", "must not be negative");
        if (c.DaysOfWeek is { Count: 0 })
            throw new RuleBroken("conditions.daysOfWeek", "is empty: the campaign could never match");
        if (c.DaysOfWeek?.Any(d => d == IsoDayOfWeek.None) == true)
            throw new InvalidInput("conditions.daysOfWeek", "must name days, monday to sunday");
        if ((c.FromTime is null) != (c.UntilTime is null))
            throw new InvalidInput("conditions.untilTime", "give both fromTime and untilTime, or neither");
        if (c.FromTime is { } start && start == c.UntilTime)
            throw new RuleBroken("conditions.untilTime", "equals fromTime: the campaign could never match");
        if (c.EnrolledAtLeastDays is < 0)
            throw new InvalidInput("conditions.enrolledAtLeastDays", "must not be negative");
        if (c.EnrolledAtMostDays is < 0)
            throw new InvalidInput("conditions.enrolledAtMostDays", "must not be negative");
        if (c.EnrolledAtLeastDays > c.EnrolledAtMostDays)
            throw new RuleBroken(
                "conditions.enrolledAtMostDays",
                "is below enrolledAtLeastDays: the campaign could never match"
            );
        CheckList(c.Segments, "conditions.segments");
        if (c.Segments?.FirstOrDefault(s => !Insight.Segments.All.Contains(s)) is { } segment)
            throw new InvalidInput("conditions.segments", $"'{segment}' is not a segment");
        CheckList(c.Stages, "conditions.stages");
        if (c.Stages?.FirstOrDefault(s => !Insight.LifecycleStage.All.Contains(s)) is { } stage)
            throw new InvalidInput("conditions.stages", $"'{stage}' is not a lifecycle stage");
        if (c.Attributes is { Count: > RecordEngagement.MaxAttributes })
            throw new InvalidInput("conditions.attributes", $"at most {RecordEngagement.MaxAttributes} attributes");
        foreach (var (key, value) in c.Attributes ?? new Dictionary<string, string>())
        {
            Guard.Required(key, "conditions.attributes", RecordEngagement.MaxAttributeKey);
            Guard.Required(value, $"conditions.attributes.{key}", RecordEngagement.MaxAttributeValue);
        }
    }

    private static void CheckList(IReadOnlyList<string>? list, string field)
    {
        if (list is null)
            return;
        if (list.Count == 0)
            throw new RuleBroken(field, "is empty: the campaign could never match");
        if (list.Count > MaxListEntries)
            throw new InvalidInput(field, $"at most {MaxListEntries} entries");
        for (var i = 0; i < list.Count; i++)
            Guard.Required(list[i], $"{field}[{i}]", 100);
    }

    private static void CheckEffect(CampaignEffect effect, CampaignTrigger trigger)
    {
        if (!CampaignEffect.Kinds.Contains(effect.Kind))
            throw new InvalidInput("effect.kind", $"must be one of {string.Join(", ", CampaignEffect.Kinds)}");
        if (effect.OnLines && !trigger.OnPurchase)
            throw new RuleBroken("effect.kind", $"{effect.Kind} needs purchase lines: use points-per-purchase");
        if (effect.Kind == CampaignEffect.Multiplies)
        {
            if (effect.Multiplier is not { } m || m <= 1 || m > CampaignEffect.MaxMultiplier)
                throw new RuleBroken(
                    "effect.multiplier",
                    $"must be above 1 and at most {CampaignEffect.MaxMultiplier}"
                );
        }
        else if (effect.Points is not (> 0 and <= MaxPoints))
            throw new InvalidInput("effect.points", $"must be between 1 and {MaxPoints}");
        if (effect.Kind == CampaignEffect.PerAmountSpent && effect.PerAmount is not >= 0.01m)
            throw new InvalidInput("effect.perAmount", "must be at least 0.01");
        if (effect.ExpiresAfterDays is < 1 or > MaxExpiryDays)
            throw new InvalidInput("effect.expiresAfterDays", $"must be between 1 and {MaxExpiryDays}");
    }

    private static void CheckLimits(IReadOnlyList<CampaignLimit> limits)
    {
        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i];
            if (!CampaignLimit.Periods.Contains(limit.Period))
                throw new InvalidInput(
                    $"limits[{i}].period",
                    $"must be one of {string.Join(", ", CampaignLimit.Periods)}"
                );
            if (limits.Take(i).Any(l => l.Period == limit.Period))
                throw new InvalidInput($"limits[{i}].period", "appears twice");
            if (limit.Times is null && limit.Points is null)
                throw new InvalidInput($"limits[{i}]", "give times, points or both");
            if (limit.Times is <= 0)
                throw new RuleBroken($"limits[{i}].times", "must be greater than 0: the campaign could never give");
            if (limit.Points is <= 0)
                throw new RuleBroken($"limits[{i}].points", "must be greater than 0: the campaign could never give");
        }
    }
}
