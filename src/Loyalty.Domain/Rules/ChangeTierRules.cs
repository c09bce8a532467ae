using Loyalty.Domain.Common;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Tiers;
using NodaTime;

namespace Loyalty.Domain.Rules;

/// <summary>
/// A program manager sets new tier rules, in force from <see cref="EffectiveFrom"/> (default: at once; never in the
/// past).
/// </summary>
public sealed record ChangeTierRules(
    TierRules Rules,
    Instant? EffectiveFrom,
    int? ExpectedRuleVersion,
    Instant At,
    Actor By
)
{
    public static IProgramEvent[] Decide(ProgramSettings current, ChangeTierRules cmd)
    {
        ProgramRules.ExpectVersion(current, cmd.ExpectedRuleVersion);
        var effective = cmd.EffectiveFrom ?? cmd.At;
        if (effective < cmd.At)
            throw new InvalidInput("effectiveFrom", "must not be in the past: rules never rewrite history");
        cmd.Rules.MustKeepTiersOf(current.LatestTiers());
        foreach (
            var plan in current.MembershipPlans.Where(p =>
                p.MinimumTier is not null && cmd.Rules.Find(p.MinimumTier) is null
            )
        )
            throw new RuleBroken("tiers", $"plan '{plan.Code}' guarantees tier '{plan.MinimumTier}'");
        return [new TierRulesChanged(current.RuleVersion + 1, cmd.Rules, effective, cmd.At, cmd.By)];
    }
}

/// <summary>A program manager sets the paid membership plans and the grace days after a failed payment.</summary>
public sealed record ChangeMembershipPlans(
    IReadOnlyList<MembershipPlan> Plans,
    int? GraceDays,
    int? ExpectedRuleVersion,
    Instant At,
    Actor By
)
{
    public const int MaxGraceDays = 90;

    /// <summary>The plans as sent, checked: each failure names the field.</summary>
    public static ChangeMembershipPlans Parse(
        IReadOnlyList<MembershipPlan?>? plans,
        int? graceDays,
        int? expectedRuleVersion,
        Instant at,
        Actor by
    )
    {
        var parsed = MembershipPlan.Parse(plans);
        if (graceDays is < 0 or > MaxGraceDays)
            throw new InvalidInput("graceDays", $"must be between 0 and {MaxGraceDays}");
        return new(parsed, graceDays, expectedRuleVersion, at, by);
    }

    public static IProgramEvent[] Decide(ProgramSettings current, ChangeMembershipPlans cmd)
    {
        ProgramRules.ExpectVersion(current, cmd.ExpectedRuleVersion);
        var plans = MembershipPlan.OfferedBy(cmd.Plans, current.Currency, current.LatestTiers());
        return
        [
            new MembershipPlansChanged(
                current.RuleVersion + 1,
                plans,
                cmd.GraceDays ?? current.MembershipGraceDays,
                cmd.At,
                cmd.By
            ),
        ];
    }
}

internal static class ProgramRules
{
    public static void ExpectVersion(ProgramSettings current, int? expected)
    {
        if (expected is { } version && version != current.RuleVersion)
            throw new StaleVersion("expectedRuleVersion", $"the current rule version is {current.RuleVersion}");
    }
}
