using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Loyalty.Bench;

/// <summary>Everything measured in one run, the targets it is judged by, and the files it is written to.</summary>
public sealed class Report(Options options, int cores)
{
    public sealed record ScenarioRow(
        string Scenario,
        int Clients,
        long Requests,
        double PerSecond,
        double P50,
        double P95,
        double P99,
        long Errors,
        long Refused,
        long Retried,
        double ApiCpuMs,
        double DatabaseCpuMs,
        double LoadCpuMs,
        long PeakRssBytes
    )
    {
        /// <summary>
        /// Requests per second the machine's cores could serve if they did nothing but this, at this CPU cost per
        /// request.
        /// </summary>
        public double CpuBound(int cores) => cores * 1000 / (ApiCpuMs + DatabaseCpuMs + LoadCpuMs);
    }

    private readonly List<ScenarioRow> _scenarios = [];
    private readonly List<Ceiling.Result> _ceilings = [];
    private readonly List<string> _faults = [];
    private readonly List<string> _violations = [];

    /// <summary>Whether a fault scenario found an invariant broken: the run fails.</summary>
    public bool Violated => _violations.Count > 0;
    private object? _enrollment,
        _ledger,
        _rebuild,
        _finance,
        _insight;
    private (long At10k, long AtEnd) _memory;
    private double _rebuildPerSecond,
        _ledgerMedian,
        _liabilityMedian;

    public void Enrollment(int members, TimeSpan elapsed, long errors, long rssAt10k, long rssAtEnd)
    {
        _memory = (rssAt10k, rssAtEnd);
        _enrollment = new
        {
            members,
            seconds = Math.Round(elapsed.TotalSeconds, 1),
            perSecond = Math.Round(members / elapsed.TotalSeconds),
            errors,
            rssAt10kMb = Mb(rssAt10k),
            rssAtEndMb = Mb(rssAtEnd),
        };
    }

    public void Scenario(
        string scenario,
        int clients,
        Tally tally,
        TimeSpan elapsed,
        CpuUse cpu,
        long retried,
        long peakRss
    )
    {
        double PerRequest(TimeSpan used) => used.TotalMilliseconds / Math.Max(1, tally.Requests);
        _scenarios.Add(
            new ScenarioRow(
                scenario,
                clients,
                tally.Requests,
                tally.Requests / elapsed.TotalSeconds,
                tally.Percentile(50),
                tally.Percentile(95),
                tally.Percentile(99),
                tally.Errors,
                tally.Refused,
                retried,
                PerRequest(cpu.Api),
                PerRequest(cpu.Database),
                PerRequest(cpu.LoadGenerator),
                peakRss
            )
        );
    }

    public void Ceiling(Ceiling.Result result) => _ceilings.Add(result);

    public void LongLedger(double medianMs, double p95Ms)
    {
        _ledgerMedian = medianMs;
        _ledger = new
        {
            entries = 10_000,
            firstPageMedianMs = Math.Round(medianMs, 2),
            firstPageP95Ms = Math.Round(p95Ms, 2),
        };
    }

    public void Finance(
        int lots,
        double liabilityMedianMs,
        double liabilityP95Ms,
        long events,
        double pastMs,
        long exportRows,
        TimeSpan exportElapsed,
        long exportBytes,
        long rssBefore,
        long rssPeak
    )
    {
        _liabilityMedian = liabilityMedianMs;
        _finance = new
        {
            liabilityLotRows = lots,
            liabilityNowMedianMs = Math.Round(liabilityMedianMs, 1),
            liabilityNowP95Ms = Math.Round(liabilityP95Ms, 1),
            liabilityPastEventsReplayed = events,
            liabilityPastMs = Math.Round(pastMs),
            exportRows,
            exportSeconds = Math.Round(exportElapsed.TotalSeconds, 1),
            exportRowsPerSecond = Math.Round(exportRows / exportElapsed.TotalSeconds),
            exportMegabytes = Mb(exportBytes),
            apiRssBeforeExportMb = Mb(rssBefore),
            apiRssPeakDuringExportMb = Mb(rssPeak),
        };
    }

    public void Insight(
        int members,
        TimeSpan job,
        long jobPeakRss,
        TimeSpan again,
        double kpiMedianMs,
        long apiRssPeak
    ) =>
        _insight = new
        {
            members,
            nightlyJobSeconds = Math.Round(job.TotalSeconds, 1),
            nightlyJobPeakRssMb = Mb(jobPeakRss),
            secondRunSeconds = Math.Round(again.TotalSeconds, 1),
            kpis12MonthsMedianMs = Math.Round(kpiMedianMs),
            apiRssPeakMb = Mb(apiRssPeak),
        };

    public void Rebuild(long events, TimeSpan elapsed)
    {
        _rebuildPerSecond = events / elapsed.TotalSeconds;
        _rebuild = new
        {
            events,
            seconds = Math.Round(elapsed.TotalSeconds, 2),
            eventsPerSecond = Math.Round(_rebuildPerSecond),
        };
    }

    /// <param name="line">what the scenario found</param>
    /// <param name="holds">false when it is a violation: marked, and the run fails</param>
    public void Fault(string line, bool holds = true)
    {
        _faults.Add(holds ? line : "VIOLATED: " + line);
        if (!holds)
            _violations.Add(line);
    }

    private double? CeilingOf(string name, int clients) =>
        _ceilings.FirstOrDefault(c => c.Name == name && c.Clients == clients)?.PerSecond;

    private IEnumerable<(string Target, string Measured, bool Met)> Targets()
    {
        if (_scenarios.FirstOrDefault(s => s.Scenario == "earn" && s.Clients == 16) is { } earn)
        {
            var ceiling = CeilingOf("earn", 16) ?? double.NaN;
            yield return ("earn ≥ 3,000 purchases/s at 16 clients", $"{earn.PerSecond:N0}/s", earn.PerSecond >= 3000);
            yield return ("earn p99 ≤ 20 ms", $"{earn.P99:0.0} ms", earn.P99 <= 20);
            yield return (
                "earn ≥ 25% of the same-run ceiling",
                $"{earn.PerSecond / ceiling:P0} of {ceiling:N0}/s",
                earn.PerSecond / ceiling >= 0.25
            );
        }
        if (_scenarios.FirstOrDefault(s => s.Scenario == "read" && s.Clients == 16) is { } read)
        {
            yield return ("reads ≥ 15,000/s at 16 clients", $"{read.PerSecond:N0}/s", read.PerSecond >= 15000);
            yield return ("read p99 ≤ 5 ms", $"{read.P99:0.0} ms", read.P99 <= 5);
        }
        foreach (var hot in _scenarios.Where(s => s.Scenario == "hot"))
            yield return (
                $"hot × {hot.Clients}: zero errors",
                $"{hot.Errors} errors, {hot.PerSecond:N0}/s",
                hot.Errors == 0
            );
        if (_rebuild is not null)
            yield return (
                "projection rebuild ≥ 50,000 events/s",
                $"{_rebuildPerSecond:N0} events/s",
                _rebuildPerSecond >= 50_000
            );
        if (_finance is not null)
            yield return (
                "liability now at every member ≤ 200 ms",
                $"{_liabilityMedian:0.0} ms (median)",
                _liabilityMedian <= 200
            );
        if (_ledger is not null)
            yield return (
                "10,000-entry ledger, first page ≤ 10 ms",
                $"{_ledgerMedian:0.0} ms (median)",
                _ledgerMedian <= 10
            );
        if (_faults.Count > 0)
            yield return (
                "fault scenarios: every invariant holds",
                Violated ? $"{_violations.Count} violated" : "all hold",
                !Violated
            );
        yield return (
            "API memory flat from 10,000 to all members",
            $"{Mb(_memory.At10k)} MB → {Mb(_memory.AtEnd)} MB",
            _memory.AtEnd <= _memory.At10k * 1.5
        );
    }

    private static long Mb(long bytes) => bytes / (1024 * 1024);

    public void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var markdown = Markdown();
        Console.WriteLine();
        Console.WriteLine(markdown);
        var json = new
        {
            date = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            cores,
            options = new
            {
                options.Members,
                options.Clients,
                durationSeconds = options.Duration.TotalSeconds,
                options.Scenarios,
            },
            enrollment = _enrollment,
            scenarios = _scenarios,
            ceilings = _ceilings,
            ledger = _ledger,
            rebuild = _rebuild,
            finance = _finance,
            insight = _insight,
            faults = _faults,
            targets = Targets()
                .Select(t => new
                {
                    t.Target,
                    t.Measured,
                    t.Met,
                }),
        };
        File.WriteAllText(
            Path.Combine(folder, "latest.json"),
            JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true })
        );
        File.WriteAllText(Path.Combine(folder, "latest.md"), markdown);
        Console.WriteLine($"Written to {Path.Combine(folder, "latest.json")} and latest.md");
    }

    private string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine($"# Benchmark run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(
            $"{cores} cores; PostgreSQL with fsync and synchronous_commit on; the API in Release as its own process; "
                + $"load generator on the same machine; {options.Duration.TotalSeconds:0} s per scenario after "
                + $"{options.WarmUp.TotalSeconds:0} s of uncounted warm-up."
        );
        md.AppendLine();
        md.AppendLine(
            "| scenario | clients | requests | per second | p50 ms | p95 ms | p99 ms | errors | refused | retried | "
                + "ceiling /s | of ceiling | "
                + "CPU ms per request: API / database / load | CPU-bound /s | peak RSS MB |"
        );
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in _scenarios)
        {
            var ceiling = CeilingOf(s.Scenario == "read" ? "read" : "earn", s.Clients);
            md.AppendLine(
                $"| {s.Scenario} | {s.Clients} | {s.Requests:N0} | {s.PerSecond:N0} | {s.P50:0.0} | {s.P95:0.0} "
                    + $"| {s.P99:0.0} | {s.Errors} | {s.Refused} | {s.Retried} | "
                    + $"{ceiling:N0} | {s.PerSecond / ceiling:P0} | {s.ApiCpuMs:0.00} / {s.DatabaseCpuMs:0.00} "
                    + $"/ {s.LoadCpuMs:0.00} | "
                    + $"{s.CpuBound(cores):N0} | {Mb(s.PeakRssBytes)} |"
            );
        }
        md.AppendLine();
        md.AppendLine(
            $"CPU-bound /s: {cores} cores' worth of CPU time divided by the CPU time one request cost the API, "
                + $"PostgreSQL and the "
                + "load generator together; the most that request mix could reach on this machine without "
                + "making a request cheaper. Retried: writes the API decided again because another writer got "
                + "there first (a member, a budget's slice), each costing the API a second go."
        );
        md.AppendLine();
        md.AppendLine("| database ceiling (pgbench) | clients | per second | average ms |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var c in _ceilings)
            md.AppendLine($"| {c.Name} | {c.Clients} | {c.PerSecond:N0} | {c.AverageMs:0.00} |");
        md.AppendLine();
        md.AppendLine($"Enrollment: {JsonSerializer.Serialize(_enrollment)}  ");
        md.AppendLine($"Long ledger: {JsonSerializer.Serialize(_ledger)}  ");
        md.AppendLine($"Rebuild: {JsonSerializer.Serialize(_rebuild)}  ");
        md.AppendLine($"Finance: {JsonSerializer.Serialize(_finance)}  ");
        md.AppendLine($"Insight: {JsonSerializer.Serialize(_insight)}");
        if (_faults.Count > 0)
        {
            md.AppendLine();
            foreach (var f in _faults)
                md.AppendLine(f.StartsWith("VIOLATED: ") ? $"- **{f}**" : $"- {f}");
        }
        md.AppendLine();
        md.AppendLine("| target | measured | met |");
        md.AppendLine("|---|---|---|");
        foreach (var (target, measured, met) in Targets())
            md.AppendLine($"| {target} | {measured} | {(met ? "yes" : "**no**")} |");
        return md.ToString();
    }
}
