using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using NodaTime;

namespace Loyalty.Domain.Finance;

/// <summary>A local day whose movements, as the roll-forward keeps them, differ from its events'.</summary>
public sealed record DayDifference(LocalDate Day, PointsFlow Kept, PointsFlow FromEvents);

/// <summary>A member whose open lots hold other than their events' movements add up to.</summary>
public sealed record MemberDifference(Guid MemberId, long InLots, long FromMovements);

/// <summary>
/// The proof of the roll-forward up to <see cref="Cutoff"/>: its closing (<see cref="Kept"/>), the sum of every
/// member's open lots folded from their events (<see cref="InLots"/>), and the sum of every event's movement of the
/// outstanding points (<see cref="FromEvents"/>) are the same number, and every day's movements are its events'.
/// Each closing is its opening plus its movements by construction.
/// </summary>
public sealed record Reconciliation(
    Instant Cutoff,
    bool Balanced,
    long Kept,
    long InLots,
    long FromEvents,
    IReadOnlyList<DayDifference> Days,
    IReadOnlyList<MemberDifference> Members
)
{
    /// <summary>The quarter of an hour an instant falls in begins at the cutoff: the roll-forward's grain.</summary>
    public static Instant CutoffFor(Instant asOf) => Instant.FromUnixTimeSeconds(asOf.ToUnixTimeSeconds() / 900 * 900);

    /// <param name="kept">The roll-forward's quarters, as its read model keeps them.</param>
    /// <param name="streams">Every member's events, in stream order.</param>
    public static Reconciliation Check(
        IReadOnlyList<(Instant At, PointsFlow Flow)> kept,
        IReadOnlyDictionary<Guid, IReadOnlyList<IMemberEvent>> streams,
        Instant asOf,
        DateTimeZone zone
    )
    {
        var cutoff = CutoffFor(asOf);
        LocalDate DayOf(Instant at) => at.InZone(zone).Date;
        var keptDays = kept.Where(k => k.At < cutoff)
            .GroupBy(k => DayOf(k.At))
            .ToDictionary(g => g.Key, g => g.Aggregate(PointsFlow.None, (sum, k) => sum.Plus(k.Flow)));
        var known = streams.ToDictionary(
            s => s.Key,
            s => s.Value.Where(e => MemberHistory.KnownAt(e) < cutoff).ToList()
        );
        var eventDays = known
            .Values.SelectMany(events => events)
            .GroupBy(e => DayOf(MemberHistory.KnownAt(e)))
            .ToDictionary(g => g.Key, g => g.Aggregate(PointsFlow.None, (sum, e) => sum.Plus(PointsFlow.Of(e))));
        var days = keptDays
            .Keys.Union(eventDays.Keys)
            .Order()
            .Select(d => new DayDifference(
                d,
                keptDays.GetValueOrDefault(d, PointsFlow.None),
                eventDays.GetValueOrDefault(d, PointsFlow.None)
            ))
            .Where(d => d.Kept != d.FromEvents)
            .ToList();
        var members = known
            .Select(m => new MemberDifference(
                m.Key,
                m.Value.Aggregate(PointsAccount.Initial(m.Key), PointsAccount.Evolve).Lots.Open(),
                m.Value.Sum(e => Movement.Of(e)?.Outstanding ?? 0)
            ))
            .ToList();
        var (inKept, inLots, fromEvents) = (
            keptDays.Values.Sum(f => f.Net),
            members.Sum(m => m.InLots),
            members.Sum(m => m.FromMovements)
        );
        var differing = members.Where(m => m.InLots != m.FromMovements).OrderBy(m => m.MemberId).ToList();
        var balanced = days.Count == 0 && differing.Count == 0 && inKept == inLots && inLots == fromEvents;
        return new(cutoff, balanced, inKept, inLots, fromEvents, days, differing);
    }
}
