using Loyalty.Domain.Finance;
using Loyalty.Projections.Finance;
using Marten;
using NodaTime;

namespace Loyalty.Api.Finance;

/// <summary>The roll-forward's quarters of an hour, read from the days of its projection that hold them.</summary>
public static class Quarters
{
    /// <summary>What moved in the quarters beginning from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static async Task<PointsFlow> MovedAsync(
        IQuerySession session,
        Instant start,
        Instant end,
        CancellationToken ct
    )
    {
        var (firstDay, lastDay) = (
            PointsFlowDay.EpochDayOf(PointsFlowDay.DateOf(start)),
            PointsFlowDay.EpochDayOf(PointsFlowDay.DateOf(end))
        );
        var days = await session
            .Query<PointsFlowDay>()
            .Where(d => d.EpochDay >= firstDay && d.EpochDay <= lastDay)
            .ToListAsync(ct);
        return days.SelectMany(d => d.Flows())
            .Where(f => f.At >= start && f.At < end)
            .Aggregate(PointsFlow.None, (sum, f) => sum.Plus(f.Flow));
    }

    /// <summary>Whether anything moved before <paramref name="at"/>'s UTC day.</summary>
    public static Task<bool> AnyBeforeAsync(IQuerySession session, Instant at, CancellationToken ct)
    {
        var day = PointsFlowDay.EpochDayOf(PointsFlowDay.DateOf(at));
        return session.Query<PointsFlowDay>().AnyAsync(d => d.EpochDay < day, ct);
    }
}
