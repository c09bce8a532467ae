using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// The scheduled end of a hold's time to live: releases it if it is still held and its time has come; otherwise
/// nothing, so the message may arrive twice, or early, without effect.
/// </summary>
public sealed record ReleaseExpiredHold(Guid MemberId, string HoldId)
{
    public static HoldReleased[] Decide(PointsAccount account, HoldState? hold, Instant now, Actor by)
    {
        if (hold is null || hold.MemberId != account.MemberId)
            return [];
        if (hold.Status != HoldState.Held || now < hold.ExpiresAt)
            return [];
        return
        [
            new HoldReleased(account.MemberId, hold.HoldId, hold.Points, hold.Taken, HoldReleased.TimedOut, now, by),
        ];
    }
}
