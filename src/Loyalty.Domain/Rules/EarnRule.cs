namespace Loyalty.Domain.Rules;

/// <summary>
/// The arithmetic of earning and reversing. Rounding, stated once:
/// <list type="bullet">
/// <item>A purchase's base points are floor(sum over lines of amountPaid × points ÷ perAmount): one floor per
/// purchase.</item>
/// <item>Multipliers add, they do not compound: a tier's ×1.5 and a membership's ×2 make ×2.5 (1 + 0.5 + 1).
/// The points earned are floor(sum over lines of amountPaid × points ÷ perAmount × that multiplier), again one
/// floor per purchase, so a purchase never earns less than its base points.</item>
/// <item>Each total (base and earned) is split over the lines by largest remainder (ties to the earlier line), so the
/// per-line points add up to exactly the purchase's points.</item>
/// <item>Returning r of a line's q units reverses floor(linePoints × returnedSoFar ÷ q) minus what earlier
/// returns of that line reversed: partial returns never exceed, and a full return exactly equals, what
/// the line earned.</item>
/// <item>Campaigns come on top (their order is stated in <c>CampaignAwards</c>) and their bonuses add too: a
/// campaign ×m on some lines adds floor(Σ over those lines of amountPaid × points ÷ perAmount × (m − 1)), one
/// floor per campaign, split over its lines by largest remainder; its lines' points come back on a return by the
/// same rule as above. Worked example, 1 point per 1.00: coffee 24.00 and a mug 8.99 by a Gold (×1.5) member with a
/// Plus (×2) membership, under a ×2 coffee campaign. The purchase earns floor(32.99 × 2.5) = 82 (coffee 60, mug
/// 22); the campaign adds floor(24.00 × 1) = 24 on the coffee: 106. Multiplied together (×1.5 × 2 × 2 on the
/// coffee, ×3 on the mug) they would have made 170.</item>
/// </list>
/// </summary>
public static class EarnRule
{
    /// <summary>The one multiplier the <paramref name="multipliers"/> make together: their bonuses added.</summary>
    public static decimal Combined(IEnumerable<decimal> multipliers) => 1 + multipliers.Sum(m => m - 1);

    /// <param name="cap">the most the lines may earn together (a campaign's award); past it, shares of it</param>
    public static int[] PointsPerLine(
        IReadOnlyList<decimal> amountsPaid,
        EarnRate rate,
        decimal multiplier = 1,
        int cap = int.MaxValue
    )
    {
        var exact = amountsPaid.Select(amount => amount * rate.Points / rate.PerAmount * multiplier).ToArray();
        var total = exact.Sum();
        if (total <= cap)
            return ByLargestRemainder(exact, (int)decimal.Floor(total));
        return ByLargestRemainder(exact.Select(x => x * cap / total).ToArray(), cap);
    }

    /// <summary>
    /// <paramref name="total"/> points split over lines in proportion to <paramref name="points"/>, by largest
    /// remainder: an award cut down by a limit keeps its lines' shares.
    /// </summary>
    public static int[] Split(IReadOnlyList<int> points, int total)
    {
        var sum = points.Sum();
        var exact = points.Select(p => sum == 0 ? 0m : (decimal)p * total / sum).ToArray();
        return ByLargestRemainder(exact, total);
    }

    private static int[] ByLargestRemainder(decimal[] exact, int total)
    {
        var points = exact.Select(x => (int)decimal.Floor(x)).ToArray();
        var remainder = total - points.Sum();
        var byLargestFraction = Enumerable
            .Range(0, exact.Length)
            .OrderByDescending(i => exact[i] - decimal.Floor(exact[i]))
            .ThenBy(i => i)
            .Take(remainder);
        foreach (var i in byLargestFraction)
            points[i]++;
        return points;
    }

    public static int Reversal(int linePoints, decimal quantity, decimal returnedBefore, decimal returnedAfter) =>
        (int)(ReversedAfter(linePoints, quantity, returnedAfter) - ReversedAfter(linePoints, quantity, returnedBefore));

    /// <summary>
    /// The spend a return takes off the tier metric, the same way: floored to the cent, a full return exactly what was
    /// paid.
    /// </summary>
    public static decimal SpendReversal(
        decimal amountPaid,
        decimal quantity,
        decimal returnedBefore,
        decimal returnedAfter
    ) =>
        ReversedAfter(amountPaid * 100, quantity, returnedAfter) / 100
        - ReversedAfter(amountPaid * 100, quantity, returnedBefore) / 100;

    private static decimal ReversedAfter(decimal lineTotal, decimal quantity, decimal returned) =>
        returned >= quantity ? lineTotal : decimal.Floor(lineTotal * returned / quantity);
}
