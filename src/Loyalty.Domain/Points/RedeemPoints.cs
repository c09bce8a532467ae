using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>The member spends points on a reward. Never more than is available.</summary>
public sealed record RedeemPoints(string? RedemptionId, int Points, string? Reward, string? Channel, Instant At, Actor By)
{
    /// <param name="existing">the redemption already recorded under the same id for this member, if any</param>
    public static PointsRedeemed[] Decide(PointsAccount account, RedemptionState? existing, RedeemPoints cmd)
    {
        var redemptionId = Guard.Required(cmd.RedemptionId, "redemptionId", 100);
        var points = Guard.Positive(cmd.Points, "points");
        var reward = Guard.Required(cmd.Reward, "reward", 200);
        var channel = Guard.Optional(cmd.Channel, "channel", 50);
        if (!account.Enrolled) throw new NotFound("memberId", "no such member");
        if (existing is not null) throw new Conflict("redemptionId", "this redemption is already recorded");
        if (points > account.Available)
            throw new RuleBroken("points", $"only {account.Available} points are available");
        return [new PointsRedeemed(account.MemberId, redemptionId, points, reward, channel, cmd.At, cmd.By)];
    }
}

/// <summary>Gives a redemption's points back, once. Cancelling a cancelled redemption changes nothing.</summary>
public sealed record CancelRedemption(string RedemptionId, string? Reason, Instant At, Actor By)
{
    public static RedemptionCancelled[] Decide(PointsAccount account, RedemptionState? redemption, CancelRedemption cmd)
    {
        var reason = Guard.Optional(cmd.Reason, "reason", 500);
        if (redemption is null || redemption.MemberId != account.MemberId) throw new NotFound("redemptionId", "no such redemption");
        if (redemption.Cancelled) return [];
        return [new RedemptionCancelled(account.MemberId, cmd.RedemptionId, redemption.Points,
            account.Balance.SettlesDeficit(redemption.Points), reason, cmd.At, cmd.By)];
    }
}

/// <summary>
/// Support adds or removes points by hand, with a reason. The balance never goes below zero. An adjustment id
/// is kept unique by its idempotency record: the same id again replays, or is refused when it differs.
/// </summary>
public sealed record AdjustPoints(string? AdjustmentId, int Points, string? Reason, Instant At, Actor By)
{
    public const int MaxAdjustment = 1_000_000;

    public static PointsAdjusted[] Decide(PointsAccount account, AdjustPoints cmd)
    {
        var adjustmentId = Guard.Required(cmd.AdjustmentId, "adjustmentId", 100);
        if (cmd.Points == 0) throw new InvalidInput("points", "must not be 0");
        if (Math.Abs((long)cmd.Points) > MaxAdjustment) throw new InvalidInput("points", $"must be within ±{MaxAdjustment}");
        var reason = Guard.Required(cmd.Reason, "reason", 500);
        if (!account.Enrolled) throw new NotFound("memberId", "no such member");
        if (account.Available + cmd.Points < 0)
            throw new RuleBroken("points", $"only {account.Available} points are available to remove");
        return [new PointsAdjusted(account.MemberId, adjustmentId, cmd.Points, reason, account.Balance.SettlesDeficit(cmd.Points), cmd.At, cmd.By)];
    }
}
