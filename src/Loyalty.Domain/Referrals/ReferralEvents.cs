using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>An event of one referral's own stream, one per referred member.</summary>
public interface IReferralEvent
{
    Guid ReferralId { get; }

    Instant At { get; }
}

/// <summary>
/// What a referral pays and when, fixed when it is made: a later version of the program's rules never changes it.
/// </summary>
public sealed record ReferralTerms(
    int RulesVersion,
    ReferralReward Referrer,
    ReferralReward Referred,
    string Trigger,
    Money? MinimumPaid,
    string OnReturn,
    int PendingDays,
    int? MonthlyCap = null,
    int? LifetimeCap = null
)
{
    public static ReferralTerms Of(ReferralRules rules, int rulesVersion, int pendingDays, string currency) =>
        new(
            rulesVersion,
            rules.Referrer,
            rules.Referred,
            rules.Trigger,
            rules.MinimumPaid is { } minimum ? new Money(minimum, currency) : null,
            rules.OnReturn,
            pendingDays,
            rules.MonthlyCap,
            rules.LifetimeCap
        );
}

/// <summary>A new member enrolled with another member's code.</summary>
public sealed record ReferralMade(
    Guid ReferralId,
    Guid ReferrerId,
    Guid ReferredId,
    string Code,
    ReferralTerms Terms,
    Instant At,
    Actor By
) : IReferralEvent;

/// <summary>Held for review, not paid until approved: the reasons are fraud signals or the referrer's pace.</summary>
public sealed record ReferralHeld(Guid ReferralId, IReadOnlyList<string> Reasons, Instant At) : IReferralEvent;

public sealed record ReferralApproved(Guid ReferralId, string Reason, Instant At, Actor By) : IReferralEvent;

/// <summary>Rejected on review: it never pays.</summary>
public sealed record ReferralRejected(Guid ReferralId, string Reason, Instant At, Actor By) : IReferralEvent;

/// <summary>
/// The trigger happened: the enrollment itself, or the new member's first purchase (<paramref name="Purchase"/>,
/// paying <paramref name="Paid"/>). Rewards are due once the purchase's return window has passed.
/// </summary>
public sealed record ReferralQualified(Guid ReferralId, string? Purchase, Money? Paid, Instant At, Instant RewardDue)
    : IReferralEvent;

/// <summary>It will never pay: the reason says why (a return inside the window, a closed member…).</summary>
public sealed record ReferralFailed(Guid ReferralId, string Reason, Instant At) : IReferralEvent;

/// <summary>
/// Both sides' rewards were decided, once the return window passed: the points each is given (the referrer's may
/// be 0, withheld by a cap, with the reason). The points themselves are events of each member's stream.
/// </summary>
public sealed record ReferralRewarded(
    Guid ReferralId,
    int ReferrerPoints,
    int ReferredPoints,
    string? ReferrerWithheld,
    Instant At
) : IReferralEvent
{
    public int PointsFor(string role) => role == ReferralRole.Referrer ? ReferrerPoints : ReferredPoints;
}

/// <summary>The qualifying purchase was returned after the reward, and the terms take rewards back.</summary>
public sealed record ReferralClawedBack(Guid ReferralId, string Reason, Instant At) : IReferralEvent;
