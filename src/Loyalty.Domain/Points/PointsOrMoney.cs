using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Points;

/// <summary>How much a redemption or hold is for: <see cref="Points"/>, or an <see cref="Amount"/> of money.</summary>
public sealed record PointsOrMoney(int? Points, Money? Amount)
{
    /// <summary>Points (more than 0), or an amount in cents and its currency code; never both.</summary>
    public static PointsOrMoney Parse(int? points, decimal? amount, string? currency)
    {
        if (amount is null && currency is null)
            return new(Guard.Positive(points ?? 0, "points"), null);
        if (points is not null)
            throw new InvalidInput("points", "give points or an amount, not both");
        var checkedAmount = PointValue.CheckedAmount(amount, "amount");
        return new(null, new Money(checkedAmount, Guard.Currency(currency, "currency")));
    }

    /// <summary>The points needed, and the money they pay for when asked for as money.</summary>
    public (int Points, Money? Value) In(ProgramSettings program)
    {
        if (Amount is null)
            return (Points!.Value, null);
        if (Amount.Currency != program.Currency)
            throw new RuleBroken("currency", $"the program's points are valued in {program.Currency}");
        var value =
            program.PointValue ?? throw new RuleBroken("amount", "the program does not offer paying with points");
        var needed = value.PointsFor(Amount.Amount);
        if (needed > AdjustPoints.MaxAdjustment * 100L)
            throw new RuleBroken("amount", "needs more points than one payment may use");
        return ((int)needed, Amount);
    }

    /// <summary>Takes the points from the member's lots, or refuses naming what is available.</summary>
    public static IReadOnlyList<LotTake> Take(PointsAccount account, int points, Instant at) =>
        account.Lots.Take(points, at)
        ?? throw new RuleBroken("points", $"only {account.AvailableAt(at)} points are available");
}
