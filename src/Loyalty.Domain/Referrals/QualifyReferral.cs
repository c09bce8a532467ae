using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>The referred member's first purchase: the trigger of a first-purchase referral.</summary>
public static class QualifyReferral
{
    /// <summary>
    /// Qualified when the purchase paid at least the minimum, its reward due when the purchase's return window (the
    /// program's pending days when the referral was made) has passed; failed when it paid less, or nothing (all of it
    /// returned already). Only the first purchase counts: anything else, or a referral no longer waiting for it,
    /// decides nothing. Signals the purchase shares with the referrer (<paramref name="shared"/>: the same payment
    /// fingerprint) hold it for review.
    /// </summary>
    public static IReadOnlyList<IReferralEvent> OnFirstPurchase(
        Referral? referral,
        string purchase,
        Money paid,
        Instant at,
        IReadOnlyList<string>? shared = null
    )
    {
        if (referral is not { Status: Referral.Referred, Terms.Trigger: ReferralRules.FirstPurchase })
            return [];
        if (!referral.StillQualifiedBy(paid.Amount))
            return [new ReferralFailed(referral.Id, $"the first purchase paid {paid}, below the minimum", at)];
        var due = at + Duration.FromDays(referral.Terms.PendingDays);
        var qualified = new ReferralQualified(referral.Id, purchase, paid, at, due);
        if (shared is not { Count: > 0 })
            return [qualified];
        return [new ReferralHeld(referral.Id, [.. referral.HeldFor.Union(shared)], at), qualified];
    }
}
