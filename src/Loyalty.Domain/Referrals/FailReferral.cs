using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>The referred member leaves before the reward.</summary>
public static class FailReferral
{
    /// <summary>The referred member left the program before the reward.</summary>
    public static IReadOnlyList<IReferralEvent> OnMemberClosed(Referral? referral, Instant at) =>
        referral is { Open: true } ? [new ReferralFailed(referral.Id, "the member left the program", at)] : [];
}
