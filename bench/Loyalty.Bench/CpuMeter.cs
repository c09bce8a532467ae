using System.Diagnostics;
using Loyalty.Api.Infrastructure;
using Loyalty.Harness;

namespace Loyalty.Bench;

/// <summary>
/// CPU time used so far by each of the three processes that share the machine's cores during a scenario.
/// </summary>
public sealed record CpuUse(TimeSpan Api, TimeSpan Database, TimeSpan LoadGenerator)
{
    public static CpuUse operator -(CpuUse after, CpuUse before) =>
        new(after.Api - before.Api, after.Database - before.Database, after.LoadGenerator - before.LoadGenerator);

    public TimeSpan Total => Api + Database + LoadGenerator;
}

public sealed class CpuMeter(ApiProcess api, EmbeddedPostgres postgres)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, the unit of /proc/<pid>/stat times on Linux

    public CpuUse Now() => new(api.CpuTime(), DatabaseTime(), Process.GetCurrentProcess().TotalProcessorTime);

    /// <summary>
    /// The postmaster with the children it has reaped, plus its live children (the backends serving connections,
    /// the WAL writer, the checkpointer).
    /// </summary>
    private TimeSpan DatabaseTime()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(postgres.DataDirectory, "postmaster.pid")).First());
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            } // gone between listing and reading
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var parent = int.Parse(fields[1]);
            long Field(int number) => long.Parse(fields[number - 3]);
            if (pid == postmaster)
                ticks += Field(14) + Field(15) + Field(16) + Field(17);
            else if (parent == postmaster)
                ticks += Field(14) + Field(15);
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
