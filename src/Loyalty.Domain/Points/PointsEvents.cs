using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// A purchase line as the till sent it, with what was paid on it, the points the earn rate gives it
/// (<see cref="BasePoints"/>) and the points it earned with the multipliers. Lines stored before multipliers
/// existed have no base points: they earned their points at the earn rate alone.
/// </summary>
public sealed record EarnedLine(
    string LineId,
    string Sku,
    string? Category,
    decimal Quantity,
    decimal UnitPrice,
    decimal Discount,
    decimal AmountPaid,
    int Points,
    int? BasePoints = null
);

/// <summary>
/// A multiplier an earning applied: the member's tier's or paid membership's (<see cref="Kind"/> <c>tier</c> or
/// <c>membership</c>).
/// </summary>
public sealed record EarnMultiplier(string Kind, string Code, decimal Factor)
{
    public const string Tier = "tier",
        Membership = "membership";
}

/// <summary>
/// A purchase earned points. <see cref="DeficitSettled"/> of them paid off an earlier deficit; the rest made a lot
/// (<see cref="Lot.IdFor"/> of the purchase) that is pending until <see cref="AvailableAt"/> and expires at
/// <see cref="ExpiresAt"/> (never, when null). Under activity-based expiry, <see cref="OpenLotsExpireAt"/> is the
/// new expiry of every open lot. <see cref="At"/> is when the purchase happened, <see cref="RecordedAt"/> when we
/// heard of it. Earnings stored before lots existed have no dates: available at once, never expiring.
/// <see cref="BasePoints"/> are the points at the earn rate alone, which count toward tiers; <see cref="Multipliers"/>
/// made them <see cref="Points"/> (see <c>EarnRule</c>). Earnings stored before multipliers had none.
/// <see cref="Channel"/> is where it was bought (a store, online, the app), when the till said.
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
    Actor By,
    Instant? AvailableAt = null,
    Instant? ExpiresAt = null,
    Instant? OpenLotsExpireAt = null,
    int? BasePoints = null,
    IReadOnlyList<EarnMultiplier>? Multipliers = null,
    string? Channel = null,
    string? PaymentFingerprint = null
) : IMemberEvent;

/// <summary>Units of a purchase line came back, and the points they had earned.</summary>
public sealed record ReversedLine(string LineId, decimal Quantity, int Points);

/// <summary>
/// Returned lines reversed the points they had earned. <see cref="Taken"/> says from which lots: the purchase's own
/// lot first (pending or not), then the member's other lots; what they could not cover became a deficit that the
/// member's next credits settle first. <see cref="Qualifying"/> is what the return took off the tier metric, counted at
/// the purchase's time (returns stored before tiers existed took nothing off).
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
    Actor By,
    IReadOnlyList<LotTake>? Taken = null,
    Tiers.QualifyingActivity? Qualifying = null
) : IMemberEvent;

/// <summary>
/// The member spent points on a reward, taken from the lots in <see cref="Taken"/>. <see cref="Value"/> is the money
/// the points paid for, when the redemption was asked for as money.
/// </summary>
public sealed record PointsRedeemed(
    Guid MemberId,
    string RedemptionId,
    int Points,
    string Reward,
    string? Channel,
    Instant At,
    Actor By,
    IReadOnlyList<LotTake>? Taken = null,
    Money? Value = null,
    Instant? OpenLotsExpireAt = null
) : IMemberEvent;

/// <summary>
/// A redemption was cancelled and its points given back to the lots they came from: a deficit is settled from them
/// first, the rest goes back to its lots (<see cref="Restored"/>), with their original expiry; points whose lot
/// expired in the meantime expire at once (<see cref="ExpiredAtOnce"/>, counted as breakage).
/// </summary>
public sealed record RedemptionCancelled(
    Guid MemberId,
    string RedemptionId,
    int Points,
    int DeficitSettled,
    string? Reason,
    Instant At,
    Actor By,
    IReadOnlyList<LotTake>? Restored = null,
    IReadOnlyList<LotTake>? ExpiredAtOnce = null
) : IMemberEvent;

/// <summary>
/// Points were added or removed by hand, always with a reason. A credit settles a deficit first, and the rest makes
/// a lot (available at once, expiring at <see cref="ExpiresAt"/>); a debit takes from the lots in <see cref="Taken"/>.
/// A <see cref="Qualifying"/> credit (a bonus the program counts) also counts toward tiers.
/// </summary>
public sealed record PointsAdjusted(
    Guid MemberId,
    string AdjustmentId,
    int Points,
    string Reason,
    int DeficitSettled,
    Instant At,
    Actor By,
    Instant? ExpiresAt = null,
    IReadOnlyList<LotTake>? Taken = null,
    bool Qualifying = false
) : IMemberEvent;

/// <summary>Lots reached their expiry with points left: those points are gone, counted as breakage.</summary>
public sealed record PointsExpired(Guid MemberId, IReadOnlyList<LotTake> Lots, int Points, Instant At, Actor By)
    : IMemberEvent;

/// <summary>
/// Points were reserved at checkout for an order: they stay in their lots (<see cref="Taken"/>) but nothing else may
/// use them until the hold is captured, released, or released by itself at <see cref="ExpiresAt"/>.
/// </summary>
public sealed record PointsHeld(
    Guid MemberId,
    string HoldId,
    int Points,
    string? OrderReference,
    IReadOnlyList<LotTake> Taken,
    Money? Value,
    Instant ExpiresAt,
    Instant At,
    Actor By
) : IMemberEvent;

/// <summary>
/// A hold was captured: <see cref="Points"/> of it were spent (from the lots in <see cref="Captured"/>) and the rest
/// (<see cref="Released"/>) went back to be used freely. A capture is a redemption for the order.
/// </summary>
public sealed record HoldCaptured(
    Guid MemberId,
    string HoldId,
    int Points,
    string? OrderReference,
    IReadOnlyList<LotTake> Captured,
    IReadOnlyList<LotTake> Released,
    Money? Value,
    Instant At,
    Actor By,
    Instant? OpenLotsExpireAt = null
) : IMemberEvent;

/// <summary>
/// A hold ended without spending: by the shop (<c>released</c>) or by its time running out (<c>expired</c>).
/// </summary>
public sealed record HoldReleased(
    Guid MemberId,
    string HoldId,
    int Points,
    IReadOnlyList<LotTake> Released,
    string Reason,
    Instant At,
    Actor By
) : IMemberEvent
{
    public const string ByCaller = "released",
        TimedOut = "expired";
}

/// <summary>
/// A write left the member with many lots, so it merged the older ones (<see cref="Merged"/>, each with all its open
/// points) into one lot per expiry (<see cref="Into"/>, each as it stands after the merge). Points, expiry and the
/// consumption order stay as they were; the events that made the merged lots still name each purchase.
/// </summary>
public sealed record LotsConsolidated(
    Guid MemberId,
    IReadOnlyList<LotTake> Merged,
    IReadOnlyList<Lot> Into,
    Instant At,
    Actor By
) : IMemberEvent;
