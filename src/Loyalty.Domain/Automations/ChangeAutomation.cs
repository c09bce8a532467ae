using System.Text.RegularExpressions;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Automations;

/// <summary>
/// A program manager sets up or changes an automation (PUT): every change, of status too, is a new version; the same
/// rules again record nothing.
/// </summary>
public sealed partial record ChangeAutomation(
    string Code,
    AutomationRules Rules,
    int? ExpectedVersion,
    Instant At,
    Actor By
)
{
    public const int MaxCodeLength = 60,
        MaxActions = 10,
        MaxListEntries = 100,
        MaxBirthdayDays = 31,
        MaxDays = 3650;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex CodePattern();

    /// <summary>The automation as sent, checked against the program and its campaigns: a failure names its field.
    /// </summary>
    public static ChangeAutomation Parse(
        string? code,
        AutomationRules rules,
        int? expectedVersion,
        ProgramSettings program,
        IReadOnlyCollection<Campaign> campaigns,
        Instant at,
        Actor by
    )
    {
        var checkedCode = Guard.Required(code, "code", MaxCodeLength);
        if (!CodePattern().IsMatch(checkedCode))
            throw new InvalidInput("code", "must be lower-case letters, digits and hyphens, e.g. win-back-90");
        Guard.Required(rules.Name, "name");
        Guard.Optional(rules.Description, "description", 2000);
        if (!AutomationRules.Statuses.Contains(rules.Status))
            throw new InvalidInput("status", $"must be one of {string.Join(", ", AutomationRules.Statuses)}");
        CheckTrigger(rules.Trigger);
        CheckCondition(rules.Condition, program);
        CheckActions(rules.Actions, campaigns);
        return new(checkedCode, rules, expectedVersion, at, by);
    }

    public static AutomationChanged[] Decide(Automation? automation, ChangeAutomation cmd)
    {
        var current = automation?.Version ?? 0;
        if (cmd.ExpectedVersion is { } expected && expected != current)
            throw new StaleVersion("expectedVersion", $"the automation is at version {current}");
        if (automation?.Current.Rules == cmd.Rules)
            return [];
        if (automation is null && cmd.Rules.Status == AutomationRules.Paused)
            throw new RuleBroken("status", "a new automation starts as draft or active");
        return [new AutomationChanged(cmd.Code, current + 1, cmd.Rules, cmd.At, cmd.By)];
    }

    private static void CheckTrigger(AutomationTrigger trigger)
    {
        if (!AutomationTrigger.Kinds.Contains(trigger.Kind))
            throw new InvalidInput("trigger.kind", $"must be one of {string.Join(", ", AutomationTrigger.Kinds)}");
        var (least, most) = trigger.Kind switch
        {
            AutomationTrigger.Birthday => (0, MaxBirthdayDays),
            _ when trigger.ByTime => (1, MaxDays),
            _ => (0, 0),
        };
        if (most == 0 && trigger.Days is not null)
            throw new InvalidInput("trigger.days", $"is not for {trigger.Kind} triggers");
        if (most > 0 && trigger.Days is null)
            throw new InvalidInput("trigger.days", $"is required for {trigger.Kind} triggers");
        if (trigger.Days < least || trigger.Days > most)
            throw new InvalidInput("trigger.days", $"must be between {least} and {most}");
        var isSegment = trigger.Kind == AutomationTrigger.EnteredSegment;
        if (isSegment != (trigger.Segment is not null))
            throw new InvalidInput("trigger.segment", isSegment ? "is required" : "is for entered-segment only");
        if (trigger.Segment is { } segment && !Segments.All.Contains(segment))
            throw new InvalidInput("trigger.segment", $"'{segment}' is not a segment");
        var isStage = trigger.Kind == AutomationTrigger.EnteredStage;
        if (isStage != (trigger.Stage is not null))
            throw new InvalidInput("trigger.stage", isStage ? "is required" : "is for entered-stage only");
        if (trigger.Stage is { } stage && !LifecycleStage.All.Contains(stage))
            throw new InvalidInput("trigger.stage", $"'{stage}' is not a lifecycle stage");
    }

    private static void CheckCondition(AutomationCondition c, ProgramSettings program)
    {
        var tiers = program.LatestTiers()?.Tiers.Select(t => t.Code).ToHashSet() ?? [];
        CheckList(c.Tiers, "condition.tiers", t => tiers.Contains(t), "the program has no tier");
        CheckList(c.Segments, "condition.segments", Segments.All.Contains, "is not a segment");
        CheckList(c.Stages, "condition.stages", LifecycleStage.All.Contains, "is not a lifecycle stage");
        var plans = program.MembershipPlans.Select(p => p.Code).Append(CampaignConditions.AnyMembership).ToHashSet();
        CheckList(c.Plans, "condition.plans", plans.Contains, "the program has no membership plan");
    }

    private static void CheckList(IReadOnlyList<string>? list, string field, Func<string, bool> known, string unknown)
    {
        if (list is null)
            return;
        if (list.Count == 0)
            throw new RuleBroken(field, "is empty: the automation could never fire");
        if (list.Count > MaxListEntries)
            throw new InvalidInput(field, $"at most {MaxListEntries} entries");
        for (var i = 0; i < list.Count; i++)
            if (!known(Guard.Required(list[i], $"{field}[{i}]", 100)))
                throw new RuleBroken($"{field}[{i}]", $"{unknown}: '{list[i]}'");
    }

    private static void CheckActions(IReadOnlyList<AutomationAction> actions, IReadOnlyCollection<Campaign> campaigns)
    {
        if (actions.Count == 0)
            throw new InvalidInput("actions", "give at least one action");
        if (actions.Count > MaxActions)
            throw new InvalidInput("actions", $"at most {MaxActions} actions");
        for (var i = 0; i < actions.Count; i++)
        {
            var (action, field) = (actions[i], $"actions[{i}]");
            if (!AutomationAction.Kinds.Contains(action.Kind))
                throw new InvalidInput($"{field}.kind", $"must be one of {string.Join(", ", AutomationAction.Kinds)}");
            if (action.Kind != AutomationAction.TagMember && actions.Take(i).Any(a => a.Kind == action.Kind))
                throw new InvalidInput($"{field}.kind", "appears twice");
            if ((action.Kind == AutomationAction.Award) != (action.Campaign is not null))
                throw new InvalidInput($"{field}.campaign", action.Campaign is null ? "is required" : "is for award");
            if ((action.Kind == AutomationAction.TagMember) != (action.Tag is not null))
                throw new InvalidInput($"{field}.tag", action.Tag is null ? "is required" : "is for tag");
            if (action.Campaign is { } code)
                CheckCampaign(code, campaigns, $"{field}.campaign");
            if (action.Tag is { } tag && !CodePattern().IsMatch(Guard.Required(tag, $"{field}.tag", MaxCodeLength)))
                throw new InvalidInput($"{field}.tag", "must be lower-case letters, digits and hyphens, e.g. vip-2027");
            if (action.Tag is not null && actions.Take(i).Any(a => a.Tag == action.Tag))
                throw new InvalidInput($"{field}.tag", "appears twice");
        }
    }

    private static void CheckCampaign(string code, IReadOnlyCollection<Campaign> campaigns, string field)
    {
        var campaign =
            campaigns.FirstOrDefault(c => c.Code == code)
            ?? throw new RuleBroken(field, $"the program has no campaign '{code}'");
        if (campaign.Current.Rules.Trigger.Kind != CampaignTrigger.Automation)
            throw new RuleBroken(
                field,
                $"campaign '{code}' is not triggered by automations: set its trigger to automation"
            );
    }
}
