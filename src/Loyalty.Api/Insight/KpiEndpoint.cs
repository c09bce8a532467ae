using System.Globalization;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Insight;
using Loyalty.Projections.Finance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace Loyalty.Api.Insight;

/// <summary>How many open members have earned each tier (<c>null</c>: none).</summary>
public sealed record TierCount(string? Tier, int Members);

/// <summary>
/// The program's KPIs per period, retention by enrolment cohort, and members per earned tier now. Every formula is
/// in the README's "For program managers".
/// </summary>
public sealed record KpiReport(
    string From,
    string To,
    string Granularity,
    string TimeZone,
    Instant AsOf,
    IReadOnlyList<KpiPeriod> Periods,
    IReadOnlyList<CohortRow> Cohorts,
    IReadOnlyList<TierCount> MembersPerTier
);

public static class KpiEndpoint
{
    public const int MaxDays = 1096;

    /// <summary>
    /// Per ISO week or calendar month of the program's zone from <c>from</c> to <c>to</c> (dates, both included; at
    /// most 1,096 days): members, repeat-purchase, churn and retention rates, order value, spend per member and
    /// lifetime value, points issued, redeemed and expired with their rates, paid members and renewals; then
    /// retention by enrolment month. As CSV (the periods) with <c>Accept: text/csv</c>.
    /// </summary>
    [Tags("Insight")]
    [ProducesResponseType<KpiReport>(200)]
    [Csv]
    [Refuses(400)]
    [WolverineGet("/program/kpis", OperationId = "getProgramKpis")]
    [Authorize(Policy = Permissions.InsightRead)]
    public static async Task<IResult> Get(
        string? from,
        string? to,
        string? granularity,
        IQuerySession session,
        LoyaltyDatabase database,
        ProgramSettingsCache programSettings,
        EventStreams streams,
        HttpContext http,
        CancellationToken ct
    )
    {
        var by = granularity ?? Kpis.Month;
        if (by is not (Kpis.Week or Kpis.Month))
            throw new InvalidInput("granularity", "must be week or month");
        var (first, last) = QueryValues.Days(from, to, MaxDays);

        var program = await programSettings.CurrentAsync(ct);
        var zone = DateTimeZoneProviders.Tzdb[program.TimeZone];
        var members = await KpiFacts.MembersAsync(database.DataSource, session, ct);
        var flows = await FlowsAsync(session, first, last, ct);
        var periods = Kpis.Periods(first, last, by)
            .Select(p =>
            {
                var (start, end) = (Start(p.From, zone), Start(p.To.PlusDays(1), zone));
                var moved = flows.Where(f => f.At >= start && f.At < end).Aggregate(PointsFlow.None, Plus);
                return Kpis.Of(p.From, p.To, members, moved, program);
            })
            .ToList();
        var answer = new KpiReport(
            Iso(first),
            Iso(last),
            by,
            zone.Id,
            streams.Now,
            periods,
            Kpis.Cohorts(first, last, members, zone),
            await TiersAsync(database, ct)
        );
        return Csv.Wanted(http) ? CsvRows.Of(answer) : Results.Json(answer);
    }

    private static PointsFlow Plus(PointsFlow sum, (Instant At, PointsFlow Flow) moved) => sum.Plus(moved.Flow);

    private static Instant Start(LocalDate day, DateTimeZone zone) => day.AtStartOfDayInZone(zone).ToInstant();

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    /// <summary>The roll-forward's quarters of the UTC days around the local period.</summary>
    private static async Task<IReadOnlyList<(Instant At, PointsFlow Flow)>> FlowsAsync(
        IQuerySession session,
        LocalDate first,
        LocalDate last,
        CancellationToken ct
    )
    {
        var (from, to) = (PointsFlowDay.EpochDayOf(first.PlusDays(-1)), PointsFlowDay.EpochDayOf(last.PlusDays(1)));
        var days = await session
            .Query<PointsFlowDay>()
            .Where(d => d.EpochDay >= from && d.EpochDay <= to)
            .ToListAsync(ct);
        return [.. days.SelectMany(d => d.Flows())];
    }

    private static async Task<IReadOnlyList<TierCount>> TiersAsync(LoyaltyDatabase database, CancellationToken ct)
    {
        await using var command = database.DataSource.CreateCommand(
            """
            select earned_tier, count(*) from loyalty.mt_doc_memberbalance
            where enrolled_at_unix_milliseconds is not null and not closed
            group by 1 order by 1 nulls first
            """
        );
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tiers = new List<TierCount>();
        while (await reader.ReadAsync(ct))
            tiers.Add(new(reader.IsDBNull(0) ? null : reader.GetString(0), (int)reader.GetInt64(1)));
        return tiers;
    }

    /// <summary>The periods as CSV: invariant-culture numbers, rates and money as in JSON.</summary>
    private static class CsvRows
    {
        private static readonly string[] Header =
        [
            "from",
            "to",
            "members_at_start",
            "members_total",
            "members_new",
            "members_active",
            "repeat_purchase_rate",
            "churn_rate",
            "retention_rate",
            "purchases",
            "currency",
            "spend",
            "average_order_value",
            "average_spend_last_12_months",
            "lifetime_value",
            "points_issued",
            "points_redeemed",
            "points_expired",
            "redemption_rate",
            "breakage_rate",
            "paid_members",
            "renewal_rate",
        ];

        public static CsvFile Of(KpiReport answer) =>
            new($"kpis-{answer.From}-{answer.To}-{answer.Granularity}.csv", Header, answer.Periods.Select(Fields));

        private static IEnumerable<string?> Fields(KpiPeriod p)
        {
            string? Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);
            string Count(long value) => value.ToString(CultureInfo.InvariantCulture);
            return
            [
                Iso(p.From),
                Iso(p.To),
                Count(p.Members.AtStart),
                Count(p.Members.Total),
                Count(p.Members.New),
                Count(p.Members.Active),
                Number(p.RepeatPurchaseRate),
                Number(p.ChurnRate),
                Number(p.RetentionRate),
                Count(p.Purchases),
                p.Spend.Currency,
                Number(p.Spend.Amount),
                Number(p.AverageOrderValue?.Amount),
                Number(p.AverageSpendLast12Months?.Amount),
                Number(p.LifetimeValue?.Amount),
                Count(p.Points.Issued),
                Count(p.Points.Redeemed),
                Count(p.Points.Expired),
                Number(p.Points.RedemptionRate),
                Number(p.Points.BreakageRate),
                Count(p.PaidMembers),
                Number(p.RenewalRate),
            ];
        }
    }
}
