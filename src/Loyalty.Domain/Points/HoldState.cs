using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>A hold at checkout: what it reserved and from which lots, until when, and how it ended.</summary>
public sealed record HoldState(
    Guid MemberId,
    string HoldId,
    int Points,
    string? OrderReference,
    IReadOnlyList<LotTake> Taken,
    Money? Value,
    Instant ExpiresAt,
    string Status,
    int CapturedPoints = 0,
    Instant? EndedAt = null
)
{
    public const string Held = "held",
        Captured = "captured",
        Released = "released",
        Expired = "expired";

    public static string Key(Guid memberId, string holdId) => $"{memberId:N}/{holdId}";

    public static HoldState? Evolve(HoldState? hold, IMemberEvent @event) =>
        (hold, @event) switch
        {
            (null, PointsHeld e) => new HoldState(
                e.MemberId,
                e.HoldId,
                e.Points,
                e.OrderReference,
                e.Taken,
                e.Value,
                e.ExpiresAt,
                Held
            ),
            (not null, HoldCaptured e) => hold with { Status = Captured, CapturedPoints = e.Points, EndedAt = e.At },
            (not null, HoldReleased e) => hold with
            {
                Status = e.Reason == HoldReleased.TimedOut ? Expired : Released,
                EndedAt = e.At,
            },
            _ => hold,
        };
}
