using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>The referred member's first purchase: the trigger of a first-purchase referral.</summary>
public static class QualifyReferral
{
    /// <summary>
    /// Qualified when the purchase paid at least the minimum, its reward due when the purchase's return window (the
    /// program's pending days when the referral was made) has passed; failed when it paid less. Only the first
    /// purchase counts: anything else, or a referral no longer waiting for it, decides nothing.
    /// </summary>
    public static IReadOnlyList<IReferralEvent> OnFirstPurchase(
        Referral? referral,
        string purchase,
        Money paid,
        Instant at
    )
    {
        if (referral is not { Status: Referral.Referred, Terms.Trigger: ReferralRules.FirstPurchase })
            return [];
        if (paid.Amount < (referral.Terms.MinimumPaid?.Amount ?? 0m))
            return [new ReferralFailed(referral.Id, $"the first purchase paid {paid}, below the minimum", at)];
        var due = at + Duration.FromDays(referral.Terms.PendingDays);
        return [new ReferralQualified(referral.Id, purchase, paid, at, due)];
    }
}
