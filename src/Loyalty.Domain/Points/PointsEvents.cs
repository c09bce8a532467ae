using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>A purchase line as the till sent it, with what was paid on it and the points it earned.</summary>
public sealed record EarnedLine(
    string LineId, string Sku, string? Category, decimal Quantity, decimal UnitPrice, decimal Discount,
    decimal AmountPaid, int Points);

/// <summary>
/// A purchase earned points. <see cref="DeficitSettled"/> of them paid off an earlier deficit; the rest
/// became available. <see cref="At"/> is when the purchase happened, <see cref="RecordedAt"/> when we heard of it.
/// </summary>
public sealed record PointsEarned(
    Guid MemberId,
    string Source,
    string TransactionId,
    string StoreId,
    string Currency,
    decimal AmountPaid,
    IReadOnlyList<EarnedLine> Lines,
    int Points,
    int DeficitSettled,
    int RuleVersion,
    EarnRate EarnRate,
    Instant At,
    Instant RecordedAt,
    Actor By) : IMemberEvent;

/// <summary>Units of a purchase line came back, and the points they had earned.</summary>
public sealed record ReversedLine(string LineId, decimal Quantity, int Points);

/// <summary>
/// Returned lines reversed the points they had earned. What the balance could cover was taken from it;
/// the rest became a deficit that the member's next credits settle first.
/// </summary>
public sealed record PointsReversed(
    Guid MemberId,
    string Source,
    string TransactionId,
    string ReturnId,
    IReadOnlyList<ReversedLine> Lines,
    int Points,
    int TakenFromBalance,
    int AddedToDeficit,
    Instant At,
    Instant RecordedAt,
    Actor By) : IMemberEvent;

/// <summary>The member spent points on a reward.</summary>
public sealed record PointsRedeemed(
    Guid MemberId,
    string RedemptionId,
    int Points,
    string Reward,
    string? Channel,
    Instant At,
    Actor By) : IMemberEvent;

/// <summary>A redemption was cancelled and its points given back; a deficit is settled from them first.</summary>
public sealed record RedemptionCancelled(
    Guid MemberId,
    string RedemptionId,
    int Points,
    int DeficitSettled,
    string? Reason,
    Instant At,
    Actor By) : IMemberEvent;

/// <summary>Points were added or removed by hand, always with a reason. A credit settles a deficit first.</summary>
public sealed record PointsAdjusted(
    Guid MemberId,
    string AdjustmentId,
    int Points,
    string Reason,
    int DeficitSettled,
    Instant At,
    Actor By) : IMemberEvent;
