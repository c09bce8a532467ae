using NodaTime;

namespace Loyalty.Domain.Tiers;

/// <summary>
/// A change of what counts toward tiers, at the time it counts: a purchase at its time, a return at its purchase's
/// time (negative), an adjustment flagged qualifying at its time.
/// </summary>
public sealed record QualifyingActivity(Instant At, int Points, decimal Spend, int Purchases)
{
    /// <summary>A purchase counts its points at the earn rate alone, its amount paid, and itself.</summary>
    public static QualifyingActivity Of(Points.PointsEarned e) => new(e.At, e.BasePoints ?? e.Points, e.AmountPaid, 1);

    /// <summary>A qualifying credit by hand counts its points only.</summary>
    public static QualifyingActivity Of(Points.PointsAdjusted e) => new(e.At, e.Points, 0, 0);
}

/// <summary>
/// Qualifying activity summed over a quarter of an hour (every time zone's midnight falls on one's start).
/// </summary>
public sealed record QualifyingSlot(Instant From, int Points, decimal Spend, int Purchases)
{
    public static readonly Duration Length = Duration.FromMinutes(15);

    /// <summary>
    /// How long activity is kept: enough for a calendar-year window read at the end of the year after.
    /// </summary>
    public static readonly Duration KeptFor = Duration.FromDays(800);

    public static Instant SlotOf(Instant at)
    {
        var ticks = at.ToUnixTimeTicks();
        var slot = Length.BclCompatibleTicks;
        return Instant.FromUnixTimeTicks(ticks - (ticks % slot + slot) % slot);
    }

    public decimal Value(string metric) =>
        metric switch
        {
            TierRules.QualifyingSpend => Spend,
            TierRules.Purchases => Purchases,
            _ => Points,
        };

    /// <summary>
    /// Adds <paramref name="activity"/> to its slot, keeping the slots in time order and dropping those too old to
    /// count.
    /// </summary>
    public static IReadOnlyList<QualifyingSlot> Add(
        IReadOnlyList<QualifyingSlot> slots,
        QualifyingActivity activity,
        Instant latest
    )
    {
        var from = SlotOf(activity.At);
        var kept = slots.Where(s => s.From >= latest - KeptFor).ToList();
        if (from < latest - KeptFor)
            return kept;
        var i = kept.FindIndex(s => s.From >= from);
        if (i >= 0 && kept[i].From == from)
            kept[i] = kept[i] with
            {
                Points = kept[i].Points + activity.Points,
                Spend = kept[i].Spend + activity.Spend,
                Purchases = kept[i].Purchases + activity.Purchases,
            };
        else
            kept.Insert(
                i < 0 ? kept.Count : i,
                new QualifyingSlot(from, activity.Points, activity.Spend, activity.Purchases)
            );
        return kept;
    }

    /// <summary>The metric over [<paramref name="start"/>, <paramref name="end"/>]: never below zero.</summary>
    public static decimal Sum(IReadOnlyList<QualifyingSlot> slots, string metric, Instant start, Instant end) =>
        Math.Max(0, slots.Where(s => s.From >= start && s.From <= end).Sum(s => s.Value(metric)));
}
