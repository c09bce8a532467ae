using System.Diagnostics;
using System.Globalization;
using Loyalty.Harness;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace Loyalty.Bench;

/// <summary>
/// Finance at benchmark size: the liability now (one aggregate over the lot rows) with three lots for every member,
/// the liability as of a past instant (a replay of every event), and the ledger export of a million movements,
/// with the API's memory while it streams. The lots and movements are copies made in SQL of real ones, and are
/// removed afterwards.
/// </summary>
public static class FinanceRun
{
    public const int LotsPerMember = 3;
    public const int Movements = 1_000_000;

    /// <summary>The synthetic movements' days: far from the scenarios' own.</summary>
    private static readonly LocalDate From = new(2020, 1, 1);
    private static readonly LocalDate To = new(2020, 1, 31);

    public static async Task RunAsync(ApiProcess api, string connectionString, LoyaltyClient finance, Report report)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        Console.Write($"  liability: {LotsPerMember} lots for every member ...");
        var lots = await ExecuteAsync(
            db,
            $"""
            insert into loyalty.liability_lot (member_id, lot_id, tier, open, held, available_at, expires_at)
            select id, 'bench:' || k, 'bench-' || (k % 3), 100 + k, k % 2 * 10,
              extract(epoch from now() - interval '10 days' + k * interval '7 days')::bigint * 1000,
              extract(epoch from now() + (k * 97 % 400) * interval '1 day')::bigint * 1000
            from loyalty.mt_doc_memberbalance, generate_series(1, {LotsPerMember}) k
            """
        );
        // As autovacuum would have by then: the rows' visibility and the planner's statistics.
        await ExecuteAsync(db, "vacuum analyze loyalty.liability_lot");
        var now = Times(await RepeatAsync(() => finance.Get("/finance/liability"), 20));
        Console.WriteLine($" {lots:N0} rows, now: {now.Median:0.0} ms median, {now.P95:0.0} ms p95");
        await ExecuteAsync(db, "delete from loyalty.liability_lot where tier like 'bench-%'");

        var events = await ScalarAsync(db, "select count(*) from loyalty.mt_events");
        var instant = InstantPattern.ExtendedIso.Format(SystemClock.Instance.GetCurrentInstant());
        var past = await finance.Get($"/finance/liability?asOf={Uri.EscapeDataString(instant)}");
        Console.WriteLine($"  liability as of a past instant: {events:N0} events replayed in {Ms(past):N0} ms");

        Console.Write($"  export: {Movements:N0} movements ...");
        var start = Instant.FromUtc(2020, 1, 2, 0, 0).ToUnixTimeMilliseconds();
        await ExecuteAsync(
            db,
            $$"""
            insert into loyalty.mt_doc_ledgerentry (id, data, mt_dotnet_type, known_at_unix_milliseconds)
            select 'bench/' || g, jsonb_set(jsonb_set(t.data, '{MemberId}', to_jsonb(m.ids[1 + g % m.n])),
                '{KnownAtUnixMilliseconds}', to_jsonb({{start}}::bigint + g * 2000)),
              t.mt_dotnet_type, {{start}}::bigint + g * 2000
            from generate_series(1, {{Movements}}) g,
              (select data, mt_dotnet_type from loyalty.mt_doc_ledgerentry where data ->> 'Type' = 'earned'
               limit 1) t,
              (select array_agg(id) ids, count(*) n from loyalty.mt_doc_memberview) m
            """
        );
        try
        {
            await ExportAsync(api, finance, report, lots, now, events, Ms(past));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            Console.WriteLine($" failed: {e.Message}");
            report.Fault($"the ledger export of {Movements:N0} movements failed: {e.Message}");
            report.Finance(lots, now.Median, now.P95, events, Ms(past), 0, TimeSpan.FromSeconds(1), 0, 0, 0);
        }
        await ExecuteAsync(db, "delete from loyalty.mt_doc_ledgerentry where id like 'bench/%'");
    }

    private static async Task ExportAsync(
        ApiProcess api,
        LoyaltyClient finance,
        Report report,
        int lots,
        (double Median, double P95) now,
        long events,
        double pastMs
    )
    {
        var (rows, bytes, elapsed, peak, before) = await ExportAsync(api, finance);
        Console.WriteLine(
            $" {rows:N0} rows, {bytes / 1_048_576.0:0} MB in {elapsed.TotalSeconds:0.0} s "
                + $"({rows / elapsed.TotalSeconds:N0} rows/s), API memory {before / 1_048_576} → peak "
                + $"{peak / 1_048_576} MB"
        );
        report.Finance(lots, now.Median, now.P95, events, pastMs, rows, elapsed, bytes, before, peak);
    }

    /// <summary>Reads the export as it streams, sampling the API's resident memory every 50 ms.</summary>
    private static async Task<(long Rows, long Bytes, TimeSpan Elapsed, long Peak, long Before)> ExportAsync(
        ApiProcess api,
        LoyaltyClient finance
    )
    {
        var before = api.Memory().Current;
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, api.Memory().Current);
                await Task.Delay(50);
            }
        });
        var watch = Stopwatch.StartNew();
        var (from, to) = (LocalDatePattern.Iso.Format(From), LocalDatePattern.Iso.Format(To));
        var (lines, bytes) = await finance.StreamLinesAsync($"/finance/ledger-export?from={from}&to={to}");
        watch.Stop();
        await sampling.CancelAsync();
        await sampler;
        return (lines - 1, bytes, watch.Elapsed, peak, before);
    }

    private static async Task<List<Reply>> RepeatAsync(Func<Task<Reply>> call, int times)
    {
        var replies = new List<Reply>();
        for (var i = 0; i < times; i++)
            replies.Add(await call());
        if (replies.FirstOrDefault(r => !r.Ok) is { } failed)
            throw new InvalidOperationException($"the liability answered {failed.Status}: {failed.Text}");
        return replies;
    }

    private static (double Median, double P95) Times(List<Reply> replies)
    {
        var ms = replies.Select(Ms).Order().ToList();
        return (ms[ms.Count / 2], ms[ms.Count * 95 / 100]);
    }

    private static double Ms(Reply reply) => reply.Elapsed.TotalMilliseconds;

    private static async Task<int> ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        command.CommandTimeout = 600;
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
