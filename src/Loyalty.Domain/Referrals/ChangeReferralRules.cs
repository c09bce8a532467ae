using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>
/// New referral rules, rule version <see cref="RuleVersion"/>. Referrals made from then on are made on them; a
/// referral made earlier keeps the terms it was made on.
/// </summary>
public sealed record ReferralRulesChanged(int RuleVersion, ReferralRules Rules, Instant At, Actor By) : IProgramEvent;

/// <summary>A program manager sets the referral rules. Rules as they are record nothing.</summary>
public sealed record ChangeReferralRules(ReferralRules Rules, int? ExpectedRuleVersion, Instant At, Actor By)
{
    public static ChangeReferralRules Parse(ReferralRules rules, int? expectedRuleVersion, Instant at, Actor by) =>
        new(ReferralRules.Check(rules), expectedRuleVersion, at, by);

    public static IProgramEvent[] Decide(ProgramSettings current, ChangeReferralRules cmd)
    {
        ProgramRules.ExpectVersion(current, cmd.ExpectedRuleVersion);
        if (cmd.Rules == current.Referrals)
            return [];
        return [new ReferralRulesChanged(current.RuleVersion + 1, cmd.Rules, cmd.At, cmd.By)];
    }
}
