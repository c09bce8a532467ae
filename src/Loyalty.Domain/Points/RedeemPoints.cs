using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// The member spends points on a reward, asked for as points or as a money amount that points pay for at the
/// program's point value. Never more than is available; taken from the lots in the consumption order.
/// </summary>
public sealed record RedeemPoints(
    string RedemptionId,
    PointsOrMoney Spend,
    string Reward,
    string? Channel,
    Instant At,
    Actor By
)
{
    public static RedeemPoints Parse(
        string? redemptionId,
        int? points,
        decimal? amount,
        string? currency,
        string? reward,
        string? channel,
        Instant at,
        Actor by
    )
    {
        var id = Guard.Required(redemptionId, "redemptionId", 100);
        var spend = PointsOrMoney.Parse(points, amount, currency);
        var what = Guard.Required(reward, "reward", 200);
        return new(id, spend, what, Guard.Optional(channel, "channel", 50), at, by);
    }

    /// <param name="existing">the redemption already recorded under the same id for this member, if any</param>
    public static PointsRedeemed[] Decide(
        PointsAccount account,
        RedemptionState? existing,
        ProgramSettings program,
        RedeemPoints cmd
    )
    {
        var (points, value) = cmd.Spend.In(program);
        if (!account.Enrolled)
            throw new NotFound("memberId", "no such member");
        if (existing is not null)
            throw new Conflict("redemptionId", "this redemption is already recorded");
        var taken = PointsOrMoney.Take(account, points, cmd.At);
        return
        [
            new PointsRedeemed(
                account.MemberId,
                cmd.RedemptionId,
                points,
                cmd.Reward,
                cmd.Channel,
                cmd.At,
                cmd.By,
                taken,
                value,
                program.OpenLotsExpireAfter(cmd.At)
            ),
        ];
    }
}
