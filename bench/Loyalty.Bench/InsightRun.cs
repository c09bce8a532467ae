using System.Diagnostics;
using Loyalty.Harness;

namespace Loyalty.Bench;

/// <summary>
/// Member insight at benchmark size: the insight job's first night (every member's first stage and segment) as the
/// <c>insight</c> command, with its time and peak memory, a second run the same day (nothing to record), and the
/// KPIs of the last 12 months by month through the API.
/// </summary>
public static class InsightRun
{
    public static async Task RunAsync(
        ApiProcess api,
        string connectionString,
        string adminKey,
        LoyaltyClient admin,
        int members,
        Report report
    )
    {
        var (job, peak) = await CommandAsync(connectionString, adminKey);
        var (again, _) = await CommandAsync(connectionString, adminKey);

        var today = DateTime.UtcNow.Date;
        var url = $"/program/kpis?from={today.AddMonths(-12):yyyy-MM-dd}&to={today:yyyy-MM-dd}&granularity=month";
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var answer = await admin.Get(url);
            if (answer.Status != 200)
                report.Fault($"KPIs answered {answer.Status}");
            times.Add(answer.Elapsed.TotalMilliseconds);
        }
        var median = times.Order().ElementAt(times.Count / 2);
        Console.WriteLine($"  KPIs of 12 months by month: {median:N0} ms (median of 5)");
        report.Insight(members, job, peak, again, median, api.Memory().Peak);
    }

    /// <summary>Runs the <c>insight</c> command to its end: how long it took and its peak memory.</summary>
    private static async Task<(TimeSpan Elapsed, long PeakRss)> CommandAsync(string connectionString, string adminKey)
    {
        await using var command = new ApiProcess(connectionString, adminKey);
        Console.Write("  insight job ...");
        var watch = Stopwatch.StartNew();
        var running = command.RunToExitAsync(TimeSpan.FromMinutes(30), "insight");
        long peak = 0;
        while (await Task.WhenAny(running, Task.Delay(1000)) != running)
        {
            try
            {
                peak = Math.Max(peak, command.Memory().Peak);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException) { } // it has just exited
        }
        var code = await running;
        Console.WriteLine($" exit {code}, {watch.Elapsed.TotalSeconds:0.0} s, peak {peak / 1048576} MB");
        return (watch.Elapsed, peak);
    }
}
