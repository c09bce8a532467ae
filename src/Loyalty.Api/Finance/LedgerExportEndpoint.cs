using System.Data;
using System.Globalization;
using CsvHelper;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Ledger;
using Loyalty.Projections.Members;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using Wolverine.Http;

namespace Loyalty.Api.Finance;

/// <summary>
/// The ledger export's control totals for a period of local days in <see cref="TimeZone"/>: how many movements, the
/// sum of their points, and the roll-forward's movement over the same days.
/// </summary>
public sealed record LedgerExportControl(
    string From,
    string To,
    string TimeZone,
    long Rows,
    long Points,
    long RollForwardMovement,
    bool Matches
);

public static class LedgerExportEndpoint
{
    public const int MaxDays = 366;
    public const string RowsHeader = "X-Control-Rows";
    public const string PointsHeader = "X-Control-Points";

    private static readonly string[] Columns =
    [
        "member_id",
        "external_id",
        "version",
        "type",
        "points",
        "held_change",
        "deficit_change",
        "value",
        "currency",
        "lots",
        "source_kind",
        "source",
        "source_id",
        "rule_version",
        "campaigns",
        "reason",
        "actor",
        "at",
        "recorded_at",
        "local_date",
    ];

    /// <summary>
    /// Every movement of members' points that became known in the program's local days <c>from</c> to <c>to</c>
    /// (both included, at most 366), as RFC 4180 CSV with a header row, oldest first, streamed from the database.
    /// <c>points</c> is the change of the member's outstanding points; <c>value</c> is it at the point value then in
    /// force (rounded to the cent, half away from zero); <c>lots</c> the lots touched (<c>lot:points;…</c>).
    /// The control totals (<c>X-Control-Rows</c>, <c>X-Control-Points</c>) are counted in the same snapshot:
    /// the points equal the roll-forward's closing less its opening for the same days (see
    /// <c>/finance/ledger-export/control</c>). Every export is recorded in the audit.
    /// </summary>
    [Tags("Finance")]
    [ProducesResponseType<string>(200, "text/csv")]
    [Csv]
    [IntegerHeader(RowsHeader, "How many movements the file holds.")]
    [IntegerHeader(PointsHeader, "The sum of their points.")]
    [Refuses(400)]
    [WolverineGet("/finance/ledger-export", OperationId = "exportLedger")]
    [Authorize(Policy = Permissions.FinanceRead)]
    public static async Task<IResult> Get(
        string? from,
        string? to,
        IQuerySession session,
        HttpContext http,
        CancellationToken ct
    )
    {
        var (first, last) = QueryValues.Days(from, to, MaxDays);
        var history = await ProgramHistory.LoadAsync(session, ct);
        return new LedgerCsv(first, last, history, Caller.Of(http).Actor);
    }

    /// <summary>
    /// The export's control totals for <c>from</c> to <c>to</c> without the file, beside what the roll-forward says
    /// moved in the same days (its closing less its opening): <c>matches</c> when they agree. The roll-forward is
    /// kept by an async projection: movements of the last seconds may not be in it yet.
    /// </summary>
    [Tags("Finance")]
    [ProducesResponseType<LedgerExportControl>(200)]
    [Refuses(400)]
    [WolverineGet("/finance/ledger-export/control", OperationId = "getLedgerExportControl")]
    [Authorize(Policy = Permissions.FinanceRead)]
    public static async Task<LedgerExportControl> Control(
        string? from,
        string? to,
        IQuerySession session,
        LoyaltyDatabase database,
        CancellationToken ct
    )
    {
        var (first, last) = QueryValues.Days(from, to, MaxDays);
        var zone = ProgramSettings.AsOf(await ProgramHistory.LoadAsync(session, ct), Instant.MaxValue).Zone();
        var span = Span(first, last, zone);
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        var (rows, points) = await CountAsync(connection, session.DocumentStore.Options.DatabaseSchemaName, span, ct);
        var (start, end) = (Instant.FromUnixTimeMilliseconds(span.Start), Instant.FromUnixTimeMilliseconds(span.End));
        var moved = (await Quarters.MovedAsync(session, start, end, ct)).Net;
        var (iso, isoTo) = (LocalDatePattern.Iso.Format(first), LocalDatePattern.Iso.Format(last));
        return new LedgerExportControl(iso, isoTo, zone.Id, rows, points, moved, points == moved);
    }

    /// <summary>The instants a period of local days spans, as the ledger's column holds them.</summary>
    public static (long Start, long End) Span(LocalDate from, LocalDate to, DateTimeZone zone) =>
        (
            zone.AtStartOfDay(from).ToInstant().ToUnixTimeMilliseconds(),
            zone.AtStartOfDay(to.PlusDays(1)).ToInstant().ToUnixTimeMilliseconds()
        );

    public static async Task<(long Rows, long Points)> CountAsync(
        NpgsqlConnection connection,
        string schema,
        (long Start, long End) span,
        CancellationToken ct
    )
    {
        await using var count = new NpgsqlCommand(
            $"""
            select count(*), coalesce(sum((data ->> 'Points')::bigint), 0) from {schema}.mt_doc_ledgerentry
            where known_at_unix_milliseconds >= $1 and known_at_unix_milliseconds < $2
            """,
            connection
        );
        count.CommandTimeout = 0;
        count.Parameters.Add(new NpgsqlParameter { Value = span.Start });
        count.Parameters.Add(new NpgsqlParameter { Value = span.End });
        await using var totals = await count.ExecuteReaderAsync(ct);
        await totals.ReadAsync(ct);
        return (totals.GetInt64(0), totals.GetInt64(1));
    }

    /// <summary>
    /// Counts, records the export, then writes each row as it is read: one repeatable-read transaction, so the rows
    /// are the ones counted even while members earn and spend.
    /// </summary>
    private sealed class LedgerCsv(LocalDate from, LocalDate to, IReadOnlyList<IProgramEvent> history, Actor by)
        : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var ct = http.RequestAborted;
            var services = http.RequestServices;
            var store = services.GetRequiredService<IDocumentStore>();
            var schema = store.Options.DatabaseSchemaName;
            var zone = ProgramSettings.AsOf(history, Instant.MaxValue).Zone();
            var span = Span(from, to, zone);
            var dataSource = services.GetRequiredService<LoyaltyDatabase>().DataSource;
            // Recorded first, with the totals as counted then, so that one export holds one connection at a time.
            await using (var asked = await dataSource.OpenConnectionAsync(ct))
            {
                var (asOfAsking, pointsAsOfAsking) = await CountAsync(asked, schema, span, ct);
                var now = services.GetRequiredService<IClock>().GetCurrentInstant();
                await RecordAsync(store, now, asOfAsking, pointsAsOfAsking, ct);
            }
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var (rows, points) = await CountAsync(connection, schema, span, ct);

            http.Response.ContentType = "text/csv; charset=utf-8";
            var name = $"ledger-{LocalDatePattern.Iso.Format(from)}-{LocalDatePattern.Iso.Format(to)}.csv";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
            http.Response.Headers[RowsHeader] = rows.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers[PointsHeader] = points.ToString(CultureInfo.InvariantCulture);
            await using var csv = CsvWriter.Create(http.Response.Body, null, leaveOpen: true);
            await csv.WriteRecordAsync(Columns, ct);
            var serializer = store.Options.Serializer();
            var values = new PointValues(history);
            await using var read = new NpgsqlCommand(
                $"""
                select l.data, m.data ->> '{nameof(MemberView.ExternalId)}'
                from {schema}.mt_doc_ledgerentry l
                left join {schema}.mt_doc_memberview m on m.id = (l.data ->> 'MemberId')::uuid
                where l.known_at_unix_milliseconds >= $1 and l.known_at_unix_milliseconds < $2
                order by l.known_at_unix_milliseconds, l.id
                """,
                connection
            );
            read.CommandTimeout = 0; // a long period streams for as long as it takes
            read.Parameters.Add(new NpgsqlParameter { Value = span.Start });
            read.Parameters.Add(new NpgsqlParameter { Value = span.End });
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var entry = await serializer.FromJsonAsync<LedgerEntry>(reader, 0, ct);
                var externalId = await reader.IsDBNullAsync(1, ct) ? null : reader.GetString(1);
                await csv.WriteRecordAsync(Fields(entry, externalId, values, zone), ct);
            }
            await csv.FlushAsync(ct);
        }

        /// <summary>
        /// Text a caller gave, kept from being read as a formula by a spreadsheet (OWASP's CSV injection advice).
        /// </summary>
        private static string? Text(string? value) =>
            value is ['=' or '+' or '-' or '@' or '\t' or '\r', ..] ? "'" + value : value;

        private async Task RecordAsync(IDocumentStore store, Instant now, long rows, long points, CancellationToken ct)
        {
            await using var audit = store.LightweightSession();
            audit.Events.Append(LedgerExported.StreamId, new LedgerExported(from, to, rows, points, now, by));
            await audit.SaveChangesAsync(ct);
        }

        private static string?[] Fields(LedgerEntry e, string? externalId, PointValues values, DateTimeZone zone)
        {
            var knownAt = Instant.FromUnixTimeMilliseconds(e.KnownAtUnixMilliseconds);
            var value = values.At(knownAt);
            string? Number(long? n) => n?.ToString(CultureInfo.InvariantCulture);
            return
            [
                e.MemberId.ToString(),
                Text(externalId),
                Number(e.Version),
                e.Type,
                Number(e.Points),
                Number(e.HeldChange),
                Number(e.DeficitChange),
                Figure.Of(e.Points, value).Money?.ToString("0.00", CultureInfo.InvariantCulture),
                value is null ? null : values.CurrencyAt(knownAt),
                e.Lots is null ? null : string.Join(';', e.Lots.Select(l => $"{l.LotId}:{l.Points}")),
                e.Reference.Kind,
                Text(e.Reference.Source),
                Text(e.Reference.Id),
                Number(e.RuleVersion),
                e.Campaigns,
                Text(e.Reason),
                $"{e.By.Kind}:{e.By.Id}",
                InstantPattern.ExtendedIso.Format(e.At),
                InstantPattern.ExtendedIso.Format(knownAt),
                LocalDatePattern.Iso.Format(knownAt.InZone(zone).Date),
            ];
        }
    }

    /// <summary>The point value in force at each instant, for rows that come in time order.</summary>
    private sealed class PointValues(IReadOnlyList<IProgramEvent> history)
    {
        private readonly List<ProgramSettingsChanged> _changes =
        [
            .. history.OfType<ProgramSettingsChanged>().OrderBy(e => e.At),
        ];
        private int _next;

        public PointValue? At(Instant at) => InForce(at)?.PointValue;

        public string? CurrencyAt(Instant at) => InForce(at)?.Currency;

        private ProgramSettingsChanged? InForce(Instant at)
        {
            while (_next < _changes.Count && _changes[_next].At <= at)
                _next++;
            return _next == 0 ? null : _changes[_next - 1];
        }
    }
}
