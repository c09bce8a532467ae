using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// A shop reserves points at checkout, as points or as a money amount: they are taken from the available lots in
/// the consumption order and no other redemption may use them until the hold is captured or released, or its time
/// to live (default 15 minutes) runs out.
/// </summary>
public sealed record PlaceHold(string? HoldId, int? Points, decimal? Amount, string? Currency, int? TtlSeconds, string? OrderReference, Instant At, Actor By)
{
    public const int DefaultTtlSeconds = 15 * 60, MinTtlSeconds = 60, MaxTtlSeconds = 7 * 24 * 3600;

    public static PointsHeld[] Decide(PointsAccount account, HoldState? existing, ProgramSettings program, PlaceHold cmd)
    {
        var holdId = Guard.Required(cmd.HoldId, "holdId", 100);
        var (points, value) = PointsOrMoney.Resolve(cmd.Points, cmd.Amount, cmd.Currency, program);
        var ttl = cmd.TtlSeconds ?? DefaultTtlSeconds;
        if (ttl is < MinTtlSeconds or > MaxTtlSeconds)
            throw new InvalidInput("ttlSeconds", $"must be between {MinTtlSeconds} and {MaxTtlSeconds}");
        var order = Guard.Optional(cmd.OrderReference, "orderReference", 100);
        if (!account.Enrolled) throw new NotFound("memberId", "no such member");
        if (existing is not null) throw new Conflict("holdId", "this hold is already placed");
        var taken = PointsOrMoney.Take(account, points, cmd.At);
        return [new PointsHeld(account.MemberId, holdId, points, order, taken, value, cmd.At + Duration.FromSeconds(ttl), cmd.At, cmd.By)];
    }
}

/// <summary>
/// The order shipped: spend the held points, all of them or fewer (the rest is released). Refused once the hold has
/// ended: captured, released, or past its time to live.
/// </summary>
public sealed record CaptureHold(string HoldId, int? Points, Instant At, Actor By)
{
    public static HoldCaptured[] Decide(PointsAccount account, HoldState? hold, ProgramSettings program, CaptureHold cmd)
    {
        if (cmd.Points is <= 0) throw new InvalidInput("points", "must be greater than 0");
        hold = Open(account, hold, cmd.At);
        var points = cmd.Points ?? hold.Points;
        if (points > hold.Points) throw new RuleBroken("points", $"only {hold.Points} points are held");
        var (captured, released) = Lots.Split(hold.Taken, points);
        var value = hold.Value is null || points == hold.Points || program.PointValue is null
            ? hold.Value
            : new Money(program.PointValue.ValueOf(points), hold.Value.Currency);
        return [new HoldCaptured(account.MemberId, hold.HoldId, points, hold.OrderReference, captured, released, value, cmd.At, cmd.By,
            program.OpenLotsExpireAfter(cmd.At))];
    }

    /// <summary>The hold, if it may still be captured; otherwise why not.</summary>
    private static HoldState Open(PointsAccount account, HoldState? hold, Instant at)
    {
        if (hold is null || hold.MemberId != account.MemberId) throw new NotFound("holdId", "no such hold");
        return hold.Status switch
        {
            HoldState.Captured => throw new Conflict("holdId", $"the hold was already captured ({hold.CapturedPoints} points)"),
            HoldState.Released => throw new Conflict("holdId", $"the hold was released at {hold.EndedAt}"),
            HoldState.Expired => throw new Conflict("holdId", $"the hold expired at {hold.ExpiresAt} and was released"),
            _ when at >= hold.ExpiresAt => throw new Conflict("holdId", $"the hold expired at {hold.ExpiresAt}"),
            _ => hold
        };
    }
}

/// <summary>The order was cancelled: the held points are free again. Releasing a released hold changes nothing.</summary>
public sealed record ReleaseHold(string HoldId, Instant At, Actor By)
{
    public static HoldReleased[] Decide(PointsAccount account, HoldState? hold, ReleaseHold cmd)
    {
        if (hold is null || hold.MemberId != account.MemberId) throw new NotFound("holdId", "no such hold");
        if (hold.Status == HoldState.Captured) throw new Conflict("holdId", $"the hold was captured ({hold.CapturedPoints} points); cancel the order's redemption instead");
        if (hold.Status != HoldState.Held) return [];
        return [new HoldReleased(account.MemberId, hold.HoldId, hold.Points, hold.Taken, HoldReleased.ByCaller, cmd.At, cmd.By)];
    }
}

/// <summary>
/// The scheduled end of a hold's time to live: releases it if it is still held and its time has come; otherwise
/// nothing, so the message may arrive twice, or early, without effect.
/// </summary>
public sealed record ReleaseExpiredHold(Guid MemberId, string HoldId)
{
    public static HoldReleased[] Decide(PointsAccount account, HoldState? hold, Instant now, Actor by)
    {
        if (hold is null || hold.MemberId != account.MemberId || hold.Status != HoldState.Held || now < hold.ExpiresAt) return [];
        return [new HoldReleased(account.MemberId, hold.HoldId, hold.Points, hold.Taken, HoldReleased.TimedOut, now, by)];
    }
}
