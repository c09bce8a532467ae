using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>The purchase that qualified a referral is returned, in part or whole.</summary>
public static class ReturnQualifyingPurchase
{
    /// <summary>
    /// Nothing while the purchase still pays something and at least the minimum. Otherwise, before the reward the
    /// referral fails; after it, the rewards are clawed back (through each member's ledger and its deficit rule) when
    /// the terms say so, and kept when they say <see cref="ReferralRules.Keep"/>. Returns of other purchases decide
    /// nothing.
    /// </summary>
    public static IReadOnlyList<IReferralEvent> Decide(
        Referral? referral,
        string purchase,
        decimal stillPaid,
        Instant at
    )
    {
        if (referral is null || referral.Purchase != purchase || referral.StillQualifiedBy(stillPaid))
            return [];
        const string reason = "the qualifying purchase was returned";
        return referral.Status switch
        {
            Referral.Qualified => [new ReferralFailed(referral.Id, reason, at)],
            Referral.Rewarded when referral.Terms.OnReturn == ReferralRules.ClawBack =>
            [
                new ReferralClawedBack(referral.Id, reason, at),
            ],
            _ => [],
        };
    }
}
