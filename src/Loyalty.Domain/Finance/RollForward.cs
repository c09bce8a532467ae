using Loyalty.Domain.Rules;
using NodaTime;

namespace Loyalty.Domain.Finance;

/// <summary>
/// A figure in points and, when the program gives points a value, in money: the points at the value in force at
/// the end of the figure's period, rounded to the cent half away from zero (each figure on its own, so a row's
/// money may differ from the sum of its parts by a cent per figure).
/// </summary>
public sealed record Figure(long Points, decimal? Money)
{
    public static Figure Of(long points, PointValue? value) =>
        new(
            points,
            value is null ? null : decimal.Round(points * value.Amount / value.Points, 2, MidpointRounding.AwayFromZero)
        );
}

/// <summary>
/// One period of the roll-forward: <see cref="Opening"/> + the movements = <see cref="Closing"/>, the outstanding
/// points (the program's liability) at the period's start and end. <see cref="Earned"/> is the sum of the five kinds
/// of earning before them.
/// </summary>
public sealed record RollForwardRow(
    string Period,
    Instant Start,
    Instant End,
    string? Currency,
    Figure Opening,
    Figure Purchases,
    Figure Campaigns,
    Figure Referrals,
    Figure MembershipBonuses,
    Figure PositiveAdjustments,
    Figure Earned,
    Figure RedemptionsCancelled,
    Figure DeficitsSettled,
    Figure Redeemed,
    Figure HoldsCaptured,
    Figure Reversed,
    Figure Expired,
    Figure NegativeAdjustments,
    Figure Closing
);

/// <summary>The roll-forward of the program's points, per local day or month of the program's zone.</summary>
public static class RollForward
{
    public const string Day = "day";
    public const string Month = "month";

    /// <param name="flows">What moved and when, in any order (the quarter-hours the projection keeps).</param>
    /// <param name="program">The program's settings as they stood at a moment: its currency and point value.</param>
    public static IReadOnlyList<RollForwardRow> Of(
        IReadOnlyList<(Instant At, PointsFlow Flow)> flows,
        LocalDate from,
        LocalDate to,
        string granularity,
        DateTimeZone zone,
        Func<Instant, ProgramSettings> program
    )
    {
        var rows = new List<RollForwardRow>();
        Instant StartOf(LocalDate day) => zone.AtStartOfDay(day).ToInstant();
        var opening = Sum(flows, Instant.MinValue, StartOf(from)).Net;
        foreach (var (name, first, last) in Periods(from, to, granularity))
        {
            var (start, end) = (StartOf(first), StartOf(last.PlusDays(1)));
            var flow = Sum(flows, start, end);
            var settings = program(end - Duration.Epsilon);
            var value = settings.PointValue;
            Figure F(long points) => Figure.Of(points, value);
            rows.Add(
                new RollForwardRow(
                    name,
                    start,
                    end,
                    value is null ? null : settings.Currency,
                    F(opening),
                    F(flow.Purchases),
                    F(flow.Campaigns),
                    F(flow.Referrals),
                    F(flow.MembershipBonuses),
                    F(flow.PositiveAdjustments),
                    F(flow.Earned),
                    F(flow.RedemptionsCancelled),
                    F(flow.DeficitsSettled),
                    F(flow.Redeemed),
                    F(flow.HoldsCaptured),
                    F(flow.Reversed),
                    F(flow.Expired),
                    F(flow.NegativeAdjustments),
                    F(opening + flow.Net)
                )
            );
            opening += flow.Net;
        }
        return rows;
    }

    private static PointsFlow Sum(IEnumerable<(Instant At, PointsFlow Flow)> flows, Instant start, Instant end) =>
        flows.Where(f => f.At >= start && f.At < end).Aggregate(PointsFlow.None, (sum, f) => sum.Plus(f.Flow));

    private static IEnumerable<(string Name, LocalDate First, LocalDate Last)> Periods(
        LocalDate from,
        LocalDate to,
        string granularity
    )
    {
        if (granularity == Day)
        {
            for (var day = from; day <= to; day = day.PlusDays(1))
                yield return (day.ToString("yyyy-MM-dd", null), day, day);
            yield break;
        }
        for (var month = from.ToYearMonth(); month <= to.ToYearMonth(); month = month.PlusMonths(1))
        {
            var (first, last) = (
                month.OnDayOfMonth(1),
                month.OnDayOfMonth(month.Calendar.GetDaysInMonth(month.Year, month.Month))
            );
            yield return (month.ToString("yyyy-MM", null), LocalDate.Max(first, from), LocalDate.Min(last, to));
        }
    }
}
