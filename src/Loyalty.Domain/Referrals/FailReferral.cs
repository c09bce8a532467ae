using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>What makes a referral that has not paid yet fail.</summary>
public static class FailReferral
{
    /// <summary>
    /// The qualifying purchase returned before the reward: failed when what it still paid is nothing or below the
    /// minimum. Returns of other purchases, and of a referral already rewarded (the reward's own rule), decide
    /// nothing here.
    /// </summary>
    public static IReadOnlyList<IReferralEvent> OnReturn(
        Referral? referral,
        string purchase,
        decimal stillPaid,
        Instant at
    )
    {
        if (referral is not { Status: Referral.Qualified } || referral.Purchase != purchase)
            return [];
        if (referral.StillQualifiedBy(stillPaid))
            return [];
        return [new ReferralFailed(referral.Id, "the qualifying purchase was returned", at)];
    }

    /// <summary>The referred member left the program before the reward.</summary>
    public static IReadOnlyList<IReferralEvent> OnMemberClosed(Referral? referral, Instant at) =>
        referral is { Open: true } ? [new ReferralFailed(referral.Id, "the member left the program", at)] : [];
}
