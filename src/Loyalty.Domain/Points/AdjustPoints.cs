using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// Support adds or removes points by hand, with a reason. A credit makes a lot of its own, available at once and
/// expiring under the current policy, and may be <see cref="Qualifying"/>: a bonus that counts toward tiers. A
/// debit takes from the lots like a redemption, never below zero. An adjustment id is kept unique by its
/// idempotency record: the same id again replays, or is refused when it differs.
/// </summary>
public sealed record AdjustPoints(
    string AdjustmentId,
    int Points,
    string Reason,
    Instant At,
    Actor By,
    bool Qualifying = false
)
{
    public const int MaxAdjustment = 1_000_000;

    public static AdjustPoints Parse(
        string? adjustmentId,
        int points,
        string? reason,
        bool qualifying,
        Instant at,
        Actor by
    )
    {
        var id = Guard.Required(adjustmentId, "adjustmentId", 100);
        if (points == 0)
            throw new InvalidInput("points", "must not be 0");
        if (Math.Abs((long)points) > MaxAdjustment)
            throw new InvalidInput("points", $"must be within ±{MaxAdjustment}");
        var why = Guard.Required(reason, "reason", 500);
        if (qualifying && points < 0)
            throw new InvalidInput("qualifying", "only a credit can count toward tiers");
        return new(id, points, why, at, by, qualifying);
    }

    public static PointsAdjusted[] Decide(PointsAccount account, ProgramSettings program, AdjustPoints cmd)
    {
        if (!account.Enrolled)
            throw new NotFound("memberId", "no such member");
        if (cmd.Points > 0)
            return
            [
                new PointsAdjusted(
                    account.MemberId,
                    cmd.AdjustmentId,
                    cmd.Points,
                    cmd.Reason,
                    account.Balance.SettlesDeficit(cmd.Points),
                    cmd.At,
                    cmd.By,
                    program.ExpiresAt(cmd.At),
                    Qualifying: cmd.Qualifying
                ),
            ];
        var taken =
            account.Lots.Take(-cmd.Points, cmd.At)
            ?? throw new RuleBroken("points", $"only {account.AvailableAt(cmd.At)} points are available to remove");
        return
        [
            new PointsAdjusted(
                account.MemberId,
                cmd.AdjustmentId,
                cmd.Points,
                cmd.Reason,
                0,
                cmd.At,
                cmd.By,
                Taken: taken
            ),
        ];
    }
}
