using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// The order shipped: spend the held points, all of them (<see cref="Points"/> null) or fewer (the rest is
/// released). Refused once the hold has ended: captured, released, or past its time to live.
/// </summary>
public sealed record CaptureHold(string HoldId, int? Points, Instant At, Actor By)
{
    public static CaptureHold Parse(string? holdId, int? points, Instant at, Actor by)
    {
        var id = Guard.Required(holdId, "holdId", 100);
        if (points is <= 0)
            throw new InvalidInput("points", "must be greater than 0");
        return new(id, points, at, by);
    }

    public static HoldCaptured[] Decide(
        PointsAccount account,
        HoldState? hold,
        ProgramSettings program,
        CaptureHold cmd
    )
    {
        hold = Open(account, hold, cmd.At);
        var points = cmd.Points ?? hold.Points;
        if (points > hold.Points)
            throw new RuleBroken("points", $"only {hold.Points} points are held");
        var (captured, released) = Lots.Split(hold.Taken, points);
        var value =
            hold.Value is null || points == hold.Points || program.PointValue is null
                ? hold.Value
                : new Money(program.PointValue.ValueOf(points), hold.Value.Currency);
        return
        [
            new HoldCaptured(
                account.MemberId,
                hold.HoldId,
                points,
                hold.OrderReference,
                captured,
                released,
                value,
                cmd.At,
                cmd.By,
                program.OpenLotsExpireAfter(cmd.At)
            ),
        ];
    }

    /// <summary>The hold, if it may still be captured; otherwise why not.</summary>
    private static HoldState Open(PointsAccount account, HoldState? hold, Instant at)
    {
        if (hold is null || hold.MemberId != account.MemberId)
            throw new NotFound("holdId", "no such hold");
        return hold.Status switch
        {
            HoldState.Captured => throw new Conflict(
                "holdId",
                $"the hold was already captured ({hold.CapturedPoints} points)"
            ),
            HoldState.Released => throw new Conflict("holdId", $"the hold was released at {hold.EndedAt}"),
            HoldState.Expired => throw new Conflict("holdId", $"the hold expired at {hold.ExpiresAt} and was released"),
            _ when at >= hold.ExpiresAt => throw new Conflict("holdId", $"the hold expired at {hold.ExpiresAt}"),
            _ => hold,
        };
    }
}
