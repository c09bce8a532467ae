using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// The member spends points on a reward, asked for as points or as a money amount that points pay for at the
/// program's point value. Never more than is available; taken from the lots in the consumption order.
/// </summary>
public sealed record RedeemPoints(string? RedemptionId, int? Points, string? Reward, string? Channel, Instant At, Actor By,
    decimal? Amount = null, string? Currency = null)
{
    /// <param name="existing">the redemption already recorded under the same id for this member, if any</param>
    public static PointsRedeemed[] Decide(PointsAccount account, RedemptionState? existing, ProgramSettings program, RedeemPoints cmd)
    {
        var redemptionId = Guard.Required(cmd.RedemptionId, "redemptionId", 100);
        var (points, value) = PointsOrMoney.Resolve(cmd.Points, cmd.Amount, cmd.Currency, program);
        var reward = Guard.Required(cmd.Reward, "reward", 200);
        var channel = Guard.Optional(cmd.Channel, "channel", 50);
        if (!account.Enrolled) throw new NotFound("memberId", "no such member");
        if (existing is not null) throw new Conflict("redemptionId", "this redemption is already recorded");
        var taken = PointsOrMoney.Take(account, points, cmd.At);
        return [new PointsRedeemed(account.MemberId, redemptionId, points, reward, channel, cmd.At, cmd.By, taken, value,
            program.OpenLotsExpireAfter(cmd.At))];
    }
}

/// <summary>
/// Gives a redemption's points back, once, to the lots they came from with their original expiry. A deficit is
/// settled from them first; points whose lot has expired meanwhile expire at once. Cancelling again changes nothing.
/// </summary>
public sealed record CancelRedemption(string RedemptionId, string? Reason, Instant At, Actor By)
{
    public static RedemptionCancelled[] Decide(PointsAccount account, RedemptionState? redemption, CancelRedemption cmd)
    {
        var reason = Guard.Optional(cmd.Reason, "reason", 500);
        if (redemption is null || redemption.MemberId != account.MemberId) throw new NotFound("redemptionId", "no such redemption");
        if (redemption.Cancelled) return [];
        // Redemptions recorded before lots existed took from no recorded lot: their points come back as a lot of their own.
        if (redemption.Taken is not { } taken)
            return [new RedemptionCancelled(account.MemberId, cmd.RedemptionId, redemption.Points,
                account.Balance.SettlesDeficit(redemption.Points), reason, cmd.At, cmd.By)];

        var expired = taken.Where(t => t.ExpiresAt <= cmd.At).ToList();
        var returnable = taken.Where(t => !(t.ExpiresAt <= cmd.At)).ToList();
        var settled = account.Balance.SettlesDeficit(returnable.Sum(t => t.Points));
        var (_, restored) = Lots.Split(returnable, settled);
        return [new RedemptionCancelled(account.MemberId, cmd.RedemptionId, redemption.Points, settled, reason, cmd.At, cmd.By, restored, expired)];
    }
}

/// <summary>
/// Support adds or removes points by hand, with a reason. A credit makes a lot of its own, available at once and
/// expiring under the current policy; a debit takes from the lots like a redemption, never below zero. An
/// adjustment id is kept unique by its idempotency record: the same id again replays, or is refused when it differs.
/// </summary>
/// <summary>Points added or removed by hand; a credit may be <see cref="Qualifying"/>: a bonus that counts toward tiers.</summary>
public sealed record AdjustPoints(string? AdjustmentId, int Points, string? Reason, Instant At, Actor By, bool Qualifying = false)
{
    public const int MaxAdjustment = 1_000_000;

    public static PointsAdjusted[] Decide(PointsAccount account, ProgramSettings program, AdjustPoints cmd)
    {
        var adjustmentId = Guard.Required(cmd.AdjustmentId, "adjustmentId", 100);
        if (cmd.Points == 0) throw new InvalidInput("points", "must not be 0");
        if (Math.Abs((long)cmd.Points) > MaxAdjustment) throw new InvalidInput("points", $"must be within ±{MaxAdjustment}");
        var reason = Guard.Required(cmd.Reason, "reason", 500);
        if (!account.Enrolled) throw new NotFound("memberId", "no such member");
        if (cmd.Qualifying && cmd.Points < 0) throw new InvalidInput("qualifying", "only a credit can count toward tiers");
        if (cmd.Points > 0)
            return [new PointsAdjusted(account.MemberId, adjustmentId, cmd.Points, reason, account.Balance.SettlesDeficit(cmd.Points), cmd.At, cmd.By,
                program.ExpiresAt(cmd.At), Qualifying: cmd.Qualifying)];
        var available = account.AvailableAt(cmd.At);
        var taken = account.Lots.Take(-cmd.Points, cmd.At)
            ?? throw new RuleBroken("points", $"only {available} points are available to remove");
        return [new PointsAdjusted(account.MemberId, adjustmentId, cmd.Points, reason, 0, cmd.At, cmd.By, Taken: taken)];
    }
}

/// <summary>The expiry job's decision for one member: every lot past its expiry gives up its unheld open points.</summary>
public sealed record ExpirePoints(Instant At, Actor By)
{
    public static PointsExpired[] Decide(PointsAccount account, ExpirePoints cmd)
    {
        var due = account.Lots.Due(cmd.At);
        return due.Count == 0 ? [] : [new PointsExpired(account.MemberId, due, due.Sum(t => t.Points), cmd.At, cmd.By)];
    }
}

/// <summary>How much a redemption or hold is for: points, or a money amount paid for with points.</summary>
public static class PointsOrMoney
{
    public static (int Points, Money? Value) Resolve(int? points, decimal? amount, string? currency, ProgramSettings program)
    {
        if (amount is null && currency is null) return (Guard.Positive(points ?? 0, "points"), null);
        if (points is not null) throw new InvalidInput("points", "give points or an amount, not both");
        var checkedAmount = PointValue.CheckedAmount(amount, currency, program.Currency, "amount");
        var value = program.PointValue ?? throw new RuleBroken("amount", "the program does not offer paying with points");
        var needed = value.PointsFor(checkedAmount);
        if (needed > AdjustPoints.MaxAdjustment * 100L) throw new RuleBroken("amount", "needs more points than one payment may use");
        return ((int)needed, new Money(checkedAmount, program.Currency));
    }

    /// <summary>Takes the points from the member's lots, or refuses naming what is available.</summary>
    public static IReadOnlyList<LotTake> Take(PointsAccount account, int points, Instant at) =>
        account.Lots.Take(points, at) ?? throw new RuleBroken("points", $"only {account.AvailableAt(at)} points are available");
}
