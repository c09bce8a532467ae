using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Automations;

/// <summary>
/// Fires the active automations that have an occasion due for a member (see <see cref="Occurrences"/>), each at most
/// once per occasion: the account remembers every occasion fired. An automation fires when its condition holds at
/// that moment; its award goes through its campaign, whose limits and budget may cut it down or withhold it.
/// </summary>
public static class FireAutomations
{
    public static readonly Actor Job = Actor.System("automations");

    public static IReadOnlyList<IMemberEvent> Decide(
        PointsAccount account,
        MemberProfile? profile,
        ProgramSettings program,
        IReadOnlyList<Automation> automations,
        IReadOnlyList<Campaign> campaigns,
        IReadOnlyDictionary<string, long> budgetLeft,
        Instant now
    )
    {
        var decided = new List<IMemberEvent>();
        var left = new Dictionary<string, long>(budgetLeft);
        foreach (var automation in automations.OrderBy(a => a.Code, StringComparer.Ordinal))
        {
            if (automation.ActiveSince() is not { } since)
                continue;
            var rules = automation.Current.Rules;
            if (Due(automation.Code, rules, account, profile, program, since, now) is not { } occurrence)
                continue;
            var fired = Fire(automation, occurrence, account, program, campaigns, left, now);
            decided.AddRange(fired);
            account = fired.Aggregate(account, PointsAccount.Evolve);
            // two automations may award through one campaign in the same write
            foreach (var award in fired.OfType<CampaignPointsEarned>().SelectMany(e => e.Awards).Where(a => a.Charged))
                left[award.Campaign] -= award.Points;
        }
        return decided;
    }

    /// <summary>
    /// The occasion an automation with <paramref name="rules"/>, active since <paramref name="since"/>, would fire
    /// for now, if any: the member is open, the condition holds, and the occasion is due and not fired yet; a null
    /// <paramref name="since"/> asks for those that came today (a dry run).
    /// </summary>
    public static AutomationOccurrence? Due(
        string code,
        AutomationRules rules,
        PointsAccount account,
        MemberProfile? profile,
        ProgramSettings program,
        Instant? since,
        Instant now
    )
    {
        if (!account.Enrolled || account.Closed || !Holds(rules.Condition, account, program, now))
            return null;
        return Occurrences
            .Due(rules.Trigger, account, profile, program, since, now)
            .FirstOrDefault(o => !account.HasFired(code, o.Key));
    }

    private static IReadOnlyList<IMemberEvent> Fire(
        Automation automation,
        AutomationOccurrence occurrence,
        PointsAccount account,
        ProgramSettings program,
        IReadOnlyList<Campaign> campaigns,
        IReadOnlyDictionary<string, long> budgetLeft,
        Instant now
    )
    {
        var (rules, version) = (automation.Current.Rules, automation.Version);
        var award = CampaignOutcome.Nothing;
        string? withheld = null;
        if (rules.AwardCampaign is { } code)
        {
            var occasion = new CampaignOccasion(
                [CampaignTrigger.Automation],
                $"automation/{automation.Code}/{occurrence.Key}",
                now,
                now,
                Job
            );
            award = CampaignAwards.Decide(
                occasion,
                account,
                program,
                [.. campaigns.Where(c => c.Code == code)],
                budgetLeft
            );
            withheld = award.Earned is not null
                ? null
                : award.Withheld.FirstOrDefault()?.Reason
                    ?? "the campaign is not active, or its conditions do not hold";
        }
        var fired = new AutomationFired(
            account.MemberId,
            automation.Code,
            version,
            rules.Trigger.Kind,
            occurrence.Key,
            occurrence.On,
            occurrence.Amount,
            rules.AwardCampaign,
            award.Awards.Sum(a => a.Points),
            withheld,
            rules.Tags,
            rules.Notifies,
            now,
            Job
        );
        return [fired, .. award.Events];
    }

    /// <summary>Whom the automation is for, at <paramref name="now"/>: tier held, segment, live stage, plan.</summary>
    private static bool Holds(AutomationCondition c, PointsAccount account, ProgramSettings program, Instant now)
    {
        if (
            c.Tiers is not null
            && (CampaignAwards.TierAt(account, program, now) is not { } tier || !c.Tiers.Contains(tier))
        )
            return false;
        if (c.Segments is not null && (account.Segment is not { } segment || !c.Segments.Contains(segment)))
            return false;
        if (c.Stages is not null && !c.Stages.Contains(StageAt(account, program, now)))
            return false;
        if (c.Plans is not null && !c.Plans.Any(plan => CampaignAwards.HasMembership(account, plan, now)))
            return false;
        return true;
    }

    private static string StageAt(PointsAccount account, ProgramSettings program, Instant now) =>
        Lifecycle.StageAt(account.EnrolledAt, account.LastPurchaseAt, now, program.Zone(), program.Lifecycle).Stage;
}
