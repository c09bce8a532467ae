using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Referrals;

/// <summary>A program manager approves or rejects a referral held for review, with a reason.</summary>
public sealed record ReviewReferral(Guid ReferralId, bool Approve, string Reason, Instant At, Actor By)
{
    public static ReviewReferral Parse(Guid referralId, string? decision, string? reason, Instant at, Actor by) =>
        new(
            referralId,
            decision switch
            {
                "approve" => true,
                "reject" => false,
                _ => throw new InvalidInput("decision", "must be approve or reject"),
            },
            Guard.Required(reason, "reason", 500),
            at,
            by
        );

    /// <summary>
    /// Approving lets a held referral pay when due; rejecting ends one that has not paid, held or not.
    /// </summary>
    public static IReferralEvent Decide(ReviewReferral cmd, Referral? referral)
    {
        if (referral is null)
            throw new NotFound("referralId", "no such referral");
        if (!referral.Open)
            throw new Conflict("referralId", $"the referral is {referral.Status}");
        if (cmd.Approve && !referral.Held)
            throw new Conflict("referralId", "the referral is not held for review");
        return cmd.Approve
            ? new ReferralApproved(referral.Id, cmd.Reason, cmd.At, cmd.By)
            : new ReferralRejected(referral.Id, cmd.Reason, cmd.At, cmd.By);
    }
}
