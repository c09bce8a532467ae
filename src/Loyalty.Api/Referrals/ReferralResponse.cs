using Loyalty.Domain.Common;
using Loyalty.Domain.Referrals;
using Loyalty.Projections.Referrals;
using NodaTime;

namespace Loyalty.Api.Referrals;

/// <summary>One referral: who referred whom, on what terms, and how far it got.</summary>
/// <param name="Status"><c>referred</c>, <c>qualified</c>, <c>rewarded</c>, <c>failed</c>, <c>rejected</c> or
/// <c>clawed-back</c>.</param>
/// <param name="HeldFor">Why it is held for review (<c>same-email</c>, <c>same-phone</c>, <c>same-device</c>,
/// <c>same-payment</c>, <c>velocity</c>); empty when it is not.</param>
/// <param name="Terms">What it pays and when, fixed by the rule version in force when it was made.</param>
/// <param name="Purchase">The qualifying purchase (source/transactionId), once there is one.</param>
/// <param name="Paid">What the qualifying purchase paid when it qualified.</param>
/// <param name="RewardDue">When the reward is due: the end of the purchase's return window.</param>
/// <param name="ReferrerWithheld">Why the referrer was given nothing (a cap reached), when so.</param>
/// <param name="Reason">Why it failed, was rejected or clawed back.</param>
/// <param name="Timeline">When each step happened; null when the answer comes straight from a write.</param>
public sealed record ReferralResponse(
    Guid ReferralId,
    Guid ReferrerId,
    Guid ReferredId,
    string Status,
    IReadOnlyList<string> HeldFor,
    ReferralTerms Terms,
    Instant MadeAt,
    string? Purchase,
    Money? Paid,
    Instant? RewardDue,
    int ReferrerPoints,
    int ReferredPoints,
    string? ReferrerWithheld,
    string? Reason,
    ReferralTimeline? Timeline
)
{
    public static ReferralResponse From(Referral r, ReferralTimeline? timeline = null) =>
        new(
            r.Id,
            r.ReferrerId,
            r.ReferredId,
            r.Status,
            r.HeldFor,
            r.Terms,
            r.MadeAt,
            r.Purchase,
            r.Paid,
            r.RewardDue,
            r.ReferrerPoints,
            r.ReferredPoints,
            r.ReferrerWithheld,
            r.Reason,
            timeline
        );

    public static ReferralResponse From(ReferralView view) => From(view.Referral, view.Timeline);
}

/// <summary>What a member's referrals came to, as the member who made them.</summary>
/// <param name="Invited">Every member who enrolled with their code.</param>
/// <param name="Pending">Referrals that may still pay: waiting for the trigger or the end of the return window,
/// held ones included.</param>
/// <param name="Held">Of those, held for review.</param>
/// <param name="Qualified">Of those, qualified and waiting for the return window to pass.</param>
/// <param name="Rewarded">Referrals rewarded (the referrer's share may have been withheld by a cap).</param>
/// <param name="Failed">Referrals that will never pay: failed, rejected or clawed back.</param>
/// <param name="PointsEarned">The points the member was given for referring, less what was clawed back.</param>
public sealed record ReferralFigures(
    int Invited,
    int Pending,
    int Held,
    int Qualified,
    int Rewarded,
    int Failed,
    long PointsEarned
)
{
    public static ReferralFigures Of(IReadOnlyList<Referral> made) =>
        new(
            made.Count,
            made.Count(r => r.Open),
            made.Count(r => r.Open && r.Held),
            made.Count(r => r.Status == Referral.Qualified),
            made.Count(r => r.Status == Referral.Rewarded),
            made.Count(r => r.Status is Referral.Failed or Referral.Rejected or Referral.ClawedBack),
            made.Where(r => r.Status == Referral.Rewarded).Sum(r => (long)r.ReferrerPoints)
        );
}

/// <summary>A member's referral code, the link to share it with, and what their referrals came to.</summary>
/// <param name="ShareLink">The program's share link with the code in it; null when the program sets none.</param>
/// <param name="ReferredBy">The referral that brought the member, if one did.</param>
public sealed record MemberReferralResponse(
    Guid MemberId,
    string Code,
    string? ShareLink,
    ReferralFigures Figures,
    ReferralResponse? ReferredBy
);
