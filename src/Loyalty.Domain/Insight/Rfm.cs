using NodaTime;

namespace Loyalty.Domain.Insight;

/// <summary>
/// What RFM scores a member on: the day of their last purchase, and their purchases and spend (net of returns, in
/// the program's currency) over the <see cref="Rfm.WindowDays"/> days up to the scoring day.
/// </summary>
public sealed record RfmFacts(Guid MemberId, LocalDate LastPurchase, int Purchases, decimal Spend);

/// <summary>Recency, frequency and monetary scores, each 1 (lowest fifth) to 5 (highest fifth).</summary>
public sealed record RfmScore(int Recency, int Frequency, int Monetary);

/// <summary>
/// RFM by quintiles over the program's active members: those who bought within the window. A member's score on
/// a measure is 1 + ⌊5 × b / n⌋, where n is the number of active members and b how many of them did strictly
/// worse on it (bought longer ago, fewer times, for less). Equal values share a score.
/// </summary>
public static class Rfm
{
    public const int WindowDays = 365;

    public static IReadOnlyDictionary<Guid, RfmScore> Score(IReadOnlyList<RfmFacts> active, LocalDate today)
    {
        var recency = Scorer(active.Select(m => -(long)Period.DaysBetween(m.LastPurchase, today)));
        var frequency = Scorer(active.Select(m => (decimal)m.Purchases));
        var monetary = Scorer(active.Select(m => m.Spend));
        return active.ToDictionary(
            m => m.MemberId,
            m => new RfmScore(
                recency(-(long)Period.DaysBetween(m.LastPurchase, today)),
                frequency(m.Purchases),
                monetary(m.Spend)
            )
        );
    }

    /// <summary>Whether a last purchase on <paramref name="lastPurchase"/> makes a member active on the day.</summary>
    public static bool IsActive(LocalDate lastPurchase, LocalDate today) =>
        Period.DaysBetween(lastPurchase, today) < WindowDays;

    private static Func<T, int> Scorer<T>(IEnumerable<T> values)
        where T : IComparable<T>
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return value => 1 + 5 * Below(sorted, value) / sorted.Length;
    }

    /// <summary>How many of <paramref name="sorted"/> are strictly below <paramref name="value"/>.</summary>
    private static int Below<T>(T[] sorted, T value)
        where T : IComparable<T>
    {
        var (low, high) = (0, sorted.Length);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (sorted[middle].CompareTo(value) < 0)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }
}
