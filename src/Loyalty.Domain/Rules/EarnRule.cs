namespace Loyalty.Domain.Rules;

/// <summary>
/// The arithmetic of earning and reversing. Rounding, stated once:
/// <list type="bullet">
/// <item>A purchase earns floor(sum over lines of amountPaid × points ÷ perAmount): one floor per purchase.</item>
/// <item>That total is split over the lines by largest remainder (ties to the earlier line), so the
/// per-line points add up to exactly the purchase's points.</item>
/// <item>Returning r of a line's q units reverses floor(linePoints × returnedSoFar ÷ q) minus what earlier
/// returns of that line reversed: partial returns never exceed, and a full return exactly equals, what
/// the line earned.</item>
/// </list>
/// </summary>
public static class EarnRule
{
    public static int[] PointsPerLine(IReadOnlyList<decimal> amountsPaid, EarnRate rate)
    {
        var exact = amountsPaid.Select(amount => amount * rate.Points / rate.PerAmount).ToArray();
        var points = exact.Select(x => (int)decimal.Floor(x)).ToArray();
        var remainder = (int)decimal.Floor(exact.Sum()) - points.Sum();
        var byLargestFraction = Enumerable.Range(0, exact.Length)
            .OrderByDescending(i => exact[i] - decimal.Floor(exact[i]))
            .ThenBy(i => i)
            .Take(remainder);
        foreach (var i in byLargestFraction) points[i]++;
        return points;
    }

    public static int Reversal(int linePoints, decimal quantity, decimal returnedBefore, decimal returnedAfter) =>
        ReversedAfter(linePoints, quantity, returnedAfter) - ReversedAfter(linePoints, quantity, returnedBefore);

    private static int ReversedAfter(int linePoints, decimal quantity, decimal returned) =>
        returned >= quantity ? linePoints : (int)decimal.Floor(linePoints * returned / quantity);
}
