using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Loyalty.Api.Infrastructure;
using Npgsql;

namespace Loyalty.Bench;

/// <summary>
/// What the database alone can do on this machine, measured with pgbench in the same run and at the same
/// client count: one transaction shaped like an earning (append an event, upsert a balance row) and a
/// primary-key read.
/// </summary>
public static class Ceiling
{
    public sealed record Result(string Name, int Clients, double PerSecond, double AverageMs);

    public static async Task PrepareAsync(string connectionString, int members)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            drop table if exists bench_events, bench_balances;
            create table bench_events (
                id bigserial primary key, stream_id int not null, version int not null, data jsonb not null);
            create table bench_balances (id int primary key, available bigint not null, version int not null);
            insert into bench_balances select g, 100, 1 from generate_series(1, {members}) g;
            """,
            connection
        );
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<Result> RunAsync(
        EmbeddedPostgres postgres,
        string name,
        int clients,
        TimeSpan duration,
        int members
    )
    {
        var script = Path.Combine(Path.GetTempPath(), $"loyalty-bench-{name}.sql");
        await File.WriteAllTextAsync(
            script,
            name == "earn"
                ? $$"""
                \set m random(1, {{members}})
                BEGIN;
                INSERT INTO bench_events (stream_id, version, data) VALUES (:m, 1,
                  '{"points": 25, "source": "pos", "transactionId": "T-1", "lines": [{"lineId": "1", "points": 25}]}');
                INSERT INTO bench_balances (id, available, version) VALUES (:m, 25, 1)
                  ON CONFLICT (id) DO UPDATE
                  SET available = bench_balances.available + 25, version = bench_balances.version + 1;
                COMMIT;
                """
                : $"""
                \set m random(1, {members})
                SELECT available, version FROM bench_balances WHERE id = :m;
                """
        );
        var pgbench = FindPgbench(postgres.Binaries);
        var info = new ProcessStartInfo(pgbench)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (
            var arg in new[]
            {
                "-n",
                "-c",
                clients.ToString(),
                "-j",
                Math.Min(clients, 2).ToString(),
                "-T",
                ((int)duration.TotalSeconds).ToString(),
                "-f",
                script,
                "-h",
                postgres.Host,
                "-p",
                postgres.Port.ToString(),
                "-U",
                "postgres",
                "loyalty",
            }
        )
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var tps = Regex.Match(output, @"tps = ([\d.]+)");
        var latency = Regex.Match(output, @"latency average = ([\d.]+) ms");
        if (!tps.Success)
            throw new InvalidOperationException("pgbench failed:\n" + output);
        return new Result(
            name,
            clients,
            double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
            latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : 0
        );
    }

    private static string FindPgbench(string binaries)
    {
        var candidates = new[] { Path.Combine(binaries, "pgbench") }.Concat(
            Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pgbench"))
                : []
        );
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("pgbench not found next to the PostgreSQL binaries");
    }
}
