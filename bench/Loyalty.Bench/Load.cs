using System.Diagnostics;
using Loyalty.Harness;

namespace Loyalty.Bench;

/// <summary>Latencies and outcomes of one scenario run.</summary>
public sealed class Tally
{
    private readonly List<double> _milliseconds = [];
    private readonly object _gate = new();
    public long Requests;
    public long Errors;
    public long Refused;

    public void Add(Reply reply, bool refusalExpected = false)
    {
        Interlocked.Increment(ref Requests);
        if (reply.Status is 0 or >= 500)
            Interlocked.Increment(ref Errors);
        else if (!reply.Ok && !refusalExpected)
            Interlocked.Increment(ref Errors);
        else if (!reply.Ok)
            Interlocked.Increment(ref Refused);
        lock (_gate)
            _milliseconds.Add(reply.Elapsed.TotalMilliseconds);
    }

    public double Percentile(double p)
    {
        lock (_gate)
        {
            if (_milliseconds.Count == 0)
                return 0;
            var sorted = _milliseconds.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        }
    }
}

/// <summary>Runs workers until the time is up, printing a progress line every second.</summary>
public static class Load
{
    public static async Task<(Tally Tally, TimeSpan Elapsed)> RunAsync(
        string label,
        int clients,
        TimeSpan duration,
        Func<int, Tally, Func<bool>, Task> worker
    )
    {
        var tally = new Tally();
        var watch = Stopwatch.StartNew();
        bool Running() => watch.Elapsed < duration;
        using var progress = new Timer(
            _ => Progress(label, tally, watch.Elapsed),
            null,
            TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(1)
        );
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => worker(c, tally, Running))));
        var elapsed = watch.Elapsed;
        Console.WriteLine();
        return (tally, elapsed);
    }

    public static void Progress(string label, Tally tally, TimeSpan elapsed) =>
        Console.Write(
            $"\r  {label, -28} {elapsed.TotalSeconds, 5:0}s {tally.Requests, 9:N0} requests "
                + $"{tally.Requests / Math.Max(elapsed.TotalSeconds, 0.001), 8:N0}/s  p99 "
                + $"{tally.Percentile(99), 6:0.0} ms  errors {tally.Errors}   "
        );
}
