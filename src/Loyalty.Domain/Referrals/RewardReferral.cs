using Loyalty.Domain.Campaigns;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>The durable job's step: a qualified referral whose return window has passed is rewarded.</summary>
public static class RewardReferral
{
    /// <summary>
    /// Both sides' rewards, when the referral is qualified, not held and due; nothing otherwise, so running the job
    /// twice rewards once. The referrer's share is withheld when the referrer has had
    /// <see cref="ReferralTerms.MonthlyCap"/> rewards in the local month (in <paramref name="zone"/>) or
    /// <see cref="ReferralTerms.LifetimeCap"/> ever, or has left the program; the new member's never is.
    /// </summary>
    /// <param name="referrerRewards">When each referral the referrer was rewarded for was rewarded.</param>
    public static IReadOnlyList<IReferralEvent> WhenDue(
        Referral? referral,
        IReadOnlyList<Instant> referrerRewards,
        DateTimeZone zone,
        Instant at,
        bool referrerLeft = false
    )
    {
        if (referral is not { Status: Referral.Qualified, Held: false, RewardDue: { } due } || due > at)
            return [];
        var terms = referral.Terms;
        var month = CampaignUse.PeriodOf(CampaignLimit.Month, at, zone);
        var inMonth = referrerRewards.Count(r => CampaignUse.PeriodOf(CampaignLimit.Month, r, zone) == month);
        var withheld =
            referrerLeft ? "the referrer left the program"
            : referrerRewards.Count >= terms.LifetimeCap ? $"the lifetime cap of {terms.LifetimeCap} is reached"
            : inMonth >= terms.MonthlyCap ? $"the monthly cap of {terms.MonthlyCap} is reached"
            : null;
        var referrerPoints = withheld is null ? terms.Referrer.Points : 0;
        return [new ReferralRewarded(referral.Id, referrerPoints, terms.Referred.Points, withheld, at)];
    }
}
