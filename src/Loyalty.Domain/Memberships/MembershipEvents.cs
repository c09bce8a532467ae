using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using NodaTime;

namespace Loyalty.Domain.Memberships;

/// <summary>Every event of a member's paid membership. Each names the billing system's payment reference.</summary>
public interface IMembershipEvent : IMemberEvent
{
    string PaymentReference { get; }
}

/// <summary>
/// The member bought <see cref="Plan"/> (its terms as they were then); the first period runs to <see
/// cref="PeriodEnd"/>.
/// </summary>
public sealed record MembershipPurchased(
    Guid MemberId,
    string PaymentReference,
    MembershipPlan Plan,
    Instant PeriodStart,
    Instant PeriodEnd,
    Instant At,
    Actor By
) : IMembershipEvent;

/// <summary>
/// The membership was paid for another period, under <see cref="Plan"/>'s terms as they are at renewal.
/// </summary>
public sealed record MembershipRenewed(
    Guid MemberId,
    string PaymentReference,
    MembershipPlan Plan,
    Instant PeriodStart,
    Instant PeriodEnd,
    Instant At,
    Actor By
) : IMembershipEvent;

/// <summary>
/// A payment failed: the membership stays active until <see cref="GraceUntil"/> for the billing system to retry.
/// </summary>
public sealed record MembershipPaymentFailed(
    Guid MemberId,
    string PaymentReference,
    Instant GraceUntil,
    Instant At,
    Actor By
) : IMembershipEvent;

/// <summary>
/// The member cancelled: the membership ends at <see cref="EndsAt"/>, the period's end, or at once when <see
/// cref="Refunded"/>.
/// </summary>
public sealed record MembershipCancelled(
    Guid MemberId,
    string PaymentReference,
    bool Refunded,
    Instant EndsAt,
    Instant At,
    Actor By
) : IMembershipEvent;

/// <summary>
/// The membership ended at <see cref="At"/>: <c>expired</c> (not renewed), <c>payment-failed</c> (grace ran out) or
/// <c>cancelled</c>. <see cref="PaymentReference"/> is the last payment's.
/// </summary>
public sealed record MembershipEnded(Guid MemberId, string PaymentReference, string Reason, Instant At, Actor By)
    : IMembershipEvent
{
    public const string Expired = "expired",
        PaymentFailed = "payment-failed",
        Cancelled = "cancelled";
}

/// <summary>
/// A membership period's bonus points, credited once when the period was paid for: a deficit is settled from them
/// first, the rest makes a lot (available at once, expiring at <see cref="ExpiresAt"/>).
/// </summary>
public sealed record MembershipBonusEarned(
    Guid MemberId,
    string PaymentReference,
    string Plan,
    int Points,
    int DeficitSettled,
    Instant PeriodStart,
    Instant? ExpiresAt,
    Instant At,
    Actor By
) : IMemberEvent;
