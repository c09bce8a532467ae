using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// A shop reserves points at checkout, as points or as a money amount: they are taken from the available lots in
/// the consumption order and no other redemption may use them until the hold is captured or released, or its time
/// to live (default 15 minutes) runs out.
/// </summary>
public sealed record PlaceHold(
    string HoldId,
    PointsOrMoney Spend,
    Duration TimeToLive,
    string? OrderReference,
    Instant At,
    Actor By
)
{
    public const int DefaultTtlSeconds = 15 * 60,
        MinTtlSeconds = 60,
        MaxTtlSeconds = 7 * 24 * 3600;

    public static PlaceHold Parse(
        string? holdId,
        int? points,
        decimal? amount,
        string? currency,
        int? ttlSeconds,
        string? orderReference,
        Instant at,
        Actor by
    )
    {
        var id = Guard.Required(holdId, "holdId", 100);
        var spend = PointsOrMoney.Parse(points, amount, currency);
        var ttl = ttlSeconds ?? DefaultTtlSeconds;
        if (ttl is < MinTtlSeconds or > MaxTtlSeconds)
            throw new InvalidInput("ttlSeconds", $"must be between {MinTtlSeconds} and {MaxTtlSeconds}");
        var order = Guard.Optional(orderReference, "orderReference", 100);
        return new(id, spend, Duration.FromSeconds(ttl), order, at, by);
    }

    public static PointsHeld[] Decide(
        PointsAccount account,
        HoldState? existing,
        ProgramSettings program,
        PlaceHold cmd
    )
    {
        var (points, value) = cmd.Spend.In(program);
        if (!account.Enrolled)
            throw new NotFound("memberId", "no such member");
        if (existing is not null)
            throw new Conflict("holdId", "this hold is already placed");
        var taken = PointsOrMoney.Take(account, points, cmd.At);
        return
        [
            new PointsHeld(
                account.MemberId,
                cmd.HoldId,
                points,
                cmd.OrderReference,
                taken,
                value,
                cmd.At + cmd.TimeToLive,
                cmd.At,
                cmd.By
            ),
        ];
    }
}
