using System.Globalization;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Finance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace Loyalty.Api.Finance;

/// <summary>The roll-forward of the program's points over a period, per local day or month.</summary>
/// <param name="TimeZone">The program's zone, whose days and months the rows are.</param>
public sealed record RollForwardResponse(
    string From,
    string To,
    string Granularity,
    string TimeZone,
    IReadOnlyList<RollForwardRow> Rows
);

public static class RollForwardEndpoint
{
    public const int MaxDays = 366;
    public const int MaxMonths = 120;

    /// <summary>
    /// Per local day or month of the program's zone from <c>from</c> to <c>to</c> (dates, both included; at most 366
    /// days, or 120 months by month): the outstanding points at the start, each kind of movement, and at the end, in
    /// points and in money at the point value then in force. As CSV with <c>Accept: text/csv</c>. Kept by an async
    /// projection: the last seconds may not be in it yet.
    /// </summary>
    [Tags("Finance")]
    [ProducesResponseType<RollForwardResponse>(200)]
    [Csv]
    [Refuses(400)]
    [WolverineGet("/finance/roll-forward", OperationId = "getRollForward")]
    [Authorize(Policy = Permissions.FinanceRead)]
    public static async Task<IResult> Get(
        string? from,
        string? to,
        string? granularity,
        IQuerySession session,
        HttpContext http,
        CancellationToken ct
    )
    {
        var by = granularity ?? RollForward.Day;
        if (by is not (RollForward.Day or RollForward.Month))
            throw new InvalidInput("granularity", "must be day or month");
        var (first, last) = QueryValues.Days(from, to, by == RollForward.Day ? MaxDays : int.MaxValue);
        if (first.ToYearMonth().PlusMonths(MaxMonths) <= last.ToYearMonth())
            throw new InvalidInput("to", $"is more than {MaxMonths} months after from");

        var history = await ProgramHistory.LoadAsync(session, ct);
        var zone = ProgramSettings.AsOf(history, Instant.MaxValue).Zone();
        // The UTC days that hold the period's quarters, and every day before them for the opening balance.
        var end = PointsFlowDay.EpochDayOf(last.PlusDays(2));
        var days = await session.Query<PointsFlowDay>().Where(d => d.EpochDay <= end).ToListAsync(ct);
        var flows = days.SelectMany(d => d.Flows()).ToList();
        var rows = RollForward.Of(flows, first, last, by, zone, at => ProgramSettings.AsOf(history, at));
        var answer = new RollForwardResponse(Iso(first), Iso(last), by, zone.Id, rows);
        return Csv.Wanted(http) ? CsvRows.Of(answer) : Results.Json(answer);
    }

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    /// <summary>
    /// The rows as CSV: invariant-culture numbers, ISO 8601 instants, each figure's points and money in two columns.
    /// </summary>
    private static class CsvRows
    {
        private static readonly string[] Figures =
        [
            "opening",
            "purchases",
            "campaigns",
            "referrals",
            "membership_bonuses",
            "positive_adjustments",
            "earned",
            "redemptions_cancelled",
            "deficits_settled",
            "redeemed",
            "holds_captured",
            "reversed",
            "expired",
            "negative_adjustments",
            "closing",
        ];

        public static CsvFile Of(RollForwardResponse answer) =>
            new(
                $"roll-forward-{answer.From}-{answer.To}-{answer.Granularity}.csv",
                Header(),
                answer.Rows.Select(Fields)
            );

        private static IEnumerable<string?> Fields(RollForwardRow row)
        {
            yield return row.Period;
            yield return InstantPattern.ExtendedIso.Format(row.Start);
            yield return InstantPattern.ExtendedIso.Format(row.End);
            yield return row.Currency;
            foreach (var figure in FiguresOf(row))
            {
                yield return figure.Points.ToString(CultureInfo.InvariantCulture);
                yield return figure.Money?.ToString("0.00", CultureInfo.InvariantCulture);
            }
        }

        private static IEnumerable<string> Header() =>
            ["period", "start", "end", "currency", .. Figures.SelectMany(f => new[] { $"{f}_points", $"{f}_money" })];

        private static Figure[] FiguresOf(RollForwardRow r) =>
            [
                r.Opening,
                r.Purchases,
                r.Campaigns,
                r.Referrals,
                r.MembershipBonuses,
                r.PositiveAdjustments,
                r.Earned,
                r.RedemptionsCancelled,
                r.DeficitsSettled,
                r.Redeemed,
                r.HoldsCaptured,
                r.Reversed,
                r.Expired,
                r.NegativeAdjustments,
                r.Closing,
            ];
    }
}
