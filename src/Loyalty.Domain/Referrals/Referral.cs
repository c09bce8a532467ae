using System.Security.Cryptography;
using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>
/// One referral, folded from its stream: who referred whom on what terms, and how far it got. Its stream is the
/// referred member's, derived from their id, so a member can be referred once: a second referral would start a
/// stream that exists.
/// </summary>
public sealed record Referral(
    Guid Id,
    Guid ReferrerId,
    Guid ReferredId,
    ReferralTerms Terms,
    string Status,
    Instant MadeAt,
    IReadOnlyList<string> HeldFor,
    string? Purchase = null,
    Money? Paid = null,
    Instant? RewardDue = null,
    string? Reason = null,
    int ReferrerPoints = 0,
    int ReferredPoints = 0,
    string? ReferrerWithheld = null
)
{
    public const string Referred = "referred";
    public const string Qualified = "qualified";
    public const string Rewarded = "rewarded";
    public const string Failed = "failed";
    public const string Rejected = "rejected";
    public const string ClawedBack = "clawed-back";

    /// <summary>Held for review and not yet approved or rejected.</summary>
    public bool Held => HeldFor.Count > 0;

    /// <summary>Whether it may still pay: neither failed nor rejected, nor paid already.</summary>
    public bool Open => Status is Referred or Qualified;

    /// <summary>Whether its purchase, after a return, still pays something and at least the minimum.</summary>
    public bool StillQualifiedBy(decimal stillPaid) => stillPaid > 0 && stillPaid >= (Terms.MinimumPaid?.Amount ?? 0m);

    public static Guid StreamIdFor(Guid referredId) =>
        new(MD5.HashData([.. "loyalty-referral/"u8, .. referredId.ToByteArray()]));

    public static Referral? Evolve(Referral? referral, IReferralEvent @event) =>
        (referral, @event) switch
        {
            (null, ReferralMade e) => new(e.ReferralId, e.ReferrerId, e.ReferredId, e.Terms, Referred, e.At, []),
            (null, _) => null,
            (_, ReferralHeld e) => referral with { HeldFor = e.Reasons },
            (_, ReferralApproved) => referral with { HeldFor = [] },
            (_, ReferralRejected e) => referral with { Status = Rejected, HeldFor = [], Reason = e.Reason },
            (_, ReferralQualified e) => referral with
            {
                Status = Qualified,
                Purchase = e.Purchase,
                Paid = e.Paid,
                RewardDue = e.RewardDue,
            },
            (_, ReferralFailed e) => referral with { Status = Failed, Reason = e.Reason },
            (_, ReferralRewarded e) => referral with
            {
                Status = Rewarded,
                ReferrerPoints = e.ReferrerPoints,
                ReferredPoints = e.ReferredPoints,
                ReferrerWithheld = e.ReferrerWithheld,
            },
            (_, ReferralClawedBack e) => referral with { Status = ClawedBack, Reason = e.Reason },
            _ => referral,
        };
}
