using Loyalty.Domain.Common;

namespace Loyalty.Domain.Rules;

/// <summary>
/// What points are worth when a member pays with them: <see cref="Points"/> points are worth <see cref="Amount"/>
/// of the program's currency (e.g. 100 points = 1.00 EUR). Rounding, always in the program's favour and never
/// implicit: the points needed to cover an amount are rounded up to a whole point; the money value of a number of
/// points is rounded down to the currency's minor unit (cents).
/// </summary>
public sealed record PointValue(int Points, decimal Amount)
{
    private const int MinorUnitDecimals = 2;

    public static PointValue From(int? points, decimal? amount)
    {
        if (points is not (>= 1 and <= 1_000_000))
            throw new InvalidInput("pointValue.points", "must be between 1 and 1000000");
        if (amount is not { } a || a <= 0 || a > 1_000_000)
            throw new InvalidInput("pointValue.amount", "must be greater than 0 and at most 1000000");
        if (decimal.Round(a, MinorUnitDecimals) != a)
            throw new InvalidInput("pointValue.amount", "must have at most 2 decimals");
        return new PointValue(points.Value, a);
    }

    /// <summary>The fewest whole points worth at least <paramref name="amount"/>.</summary>
    public long PointsFor(decimal amount) => (long)decimal.Ceiling(amount * Points / Amount);

    /// <summary>What <paramref name="points"/> points are worth, rounded down to the cent.</summary>
    public decimal ValueOf(long points)
    {
        var exact = points * Amount / Points;
        return decimal.Floor(exact * 100m) / 100m;
    }

    /// <summary>A money amount a member wants to cover with points: positive, in cents.</summary>
    public static decimal CheckedAmount(decimal? amount, string field)
    {
        if (amount is not { } a || a <= 0)
            throw new InvalidInput(field, "must be greater than 0");
        if (a > 10_000_000)
            throw new InvalidInput(field, "must be at most 10000000");
        if (decimal.Round(a, MinorUnitDecimals) != a)
            throw new InvalidInput(field, "must have at most 2 decimals");
        return a;
    }
}
