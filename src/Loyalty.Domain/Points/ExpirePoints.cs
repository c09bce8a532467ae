using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>
/// The expiry job's decision for one member: every lot past its expiry gives up its unheld open points.
/// </summary>
public sealed record ExpirePoints(Instant At, Actor By)
{
    public static PointsExpired[] Decide(PointsAccount account, ExpirePoints cmd)
    {
        var due = account.Lots.Due(cmd.At);
        return due.Count == 0 ? [] : [new PointsExpired(account.MemberId, due, due.Sum(t => t.Points), cmd.At, cmd.By)];
    }
}
