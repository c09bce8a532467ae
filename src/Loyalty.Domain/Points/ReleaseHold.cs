using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// The order was cancelled: the held points are free again. Releasing a released hold changes nothing.
/// </summary>
public sealed record ReleaseHold(string HoldId, Instant At, Actor By)
{
    public static ReleaseHold Parse(string? holdId, Instant at, Actor by) =>
        new(Guard.Required(holdId, "holdId", 100), at, by);

    public static HoldReleased[] Decide(PointsAccount account, HoldState? hold, ReleaseHold cmd)
    {
        if (hold is null || hold.MemberId != account.MemberId)
            throw new NotFound("holdId", "no such hold");
        if (hold.Status == HoldState.Captured)
            throw new Conflict(
                "holdId",
                $"the hold was captured ({hold.CapturedPoints} points); cancel the order's redemption instead"
            );
        if (hold.Status != HoldState.Held)
            return [];
        return
        [
            new HoldReleased(
                account.MemberId,
                hold.HoldId,
                hold.Points,
                hold.Taken,
                HoldReleased.ByCaller,
                cmd.At,
                cmd.By
            ),
        ];
    }
}
