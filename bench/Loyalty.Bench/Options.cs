namespace Loyalty.Bench;

/// <summary>What to run; see bench/README.md.</summary>
public sealed record Options(
    int Members,
    int[] Clients,
    TimeSpan Duration,
    TimeSpan WarmUp,
    string[] Scenarios,
    bool Faults,
    string Output,
    bool Campaigns = true
)
{
    public static readonly string[] AllScenarios = ["earn", "mixed", "read", "hot"];

    /// <summary>Also known: the earn scenario with the campaigns paused for it, to measure what they cost.</summary>
    public static readonly string[] KnownScenarios = [.. AllScenarios, "earn-paused", "earn-webhooks"];

    public static Options Parse(string[] args)
    {
        var options = new Options(
            100_000,
            [16],
            TimeSpan.FromSeconds(15),
            TimeSpan.FromSeconds(30),
            AllScenarios,
            false,
            Path.Combine(RepoRoot(), "bench", "results")
        );
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--members" => options with { Members = int.Parse(Next()) },
                "--clients" => options with { Clients = Next().Split(',').Select(int.Parse).ToArray() },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(Next())) },
                "--warmup" => options with { WarmUp = TimeSpan.FromSeconds(double.Parse(Next())) },
                "--scenarios" => options with { Scenarios = Next().Split(',') },
                "--faults" => options with { Faults = true },
                "--output" => options with { Output = Next() },
                "--no-campaigns" => options with { Campaigns = false },
                "--help" or "-h" => throw new ArgumentException(""),
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        if (options.Scenarios.Except(KnownScenarios).FirstOrDefault() is { } unknown)
            throw new ArgumentException($"unknown scenario {unknown}");
        if (!options.Campaigns && options.Scenarios.Contains("earn-paused"))
            throw new ArgumentException("earn-paused pauses the campaigns that --no-campaigns leaves out");
        return options;
    }

    public const string Usage = """
        dotnet run -c Release --project bench/Loyalty.Bench -- [options]
          --members N          members to enroll first (default 100000)
          --clients 1,4,16,64  concurrent clients; each scenario runs once per count (default 16)
          --duration SECONDS   how long each scenario runs (default 15)
          --warmup SECONDS     uncounted load before measuring, so the JIT has finished optimising (default 30)
          --scenarios LIST     earn,mixed,read,hot (default all); also earn-paused: earn with the campaigns paused;
                         earn-webhooks: earn with a webhook subscribed to points.earned
                               for it; a scenario may be listed more than once
          --faults             also run the fault scenarios (crash, storm, hostile input) at benchmark size
          --output DIR         where latest.json and latest.md go (default bench/results)
          --no-campaigns       run without the five active campaigns (to measure what they cost)
        """;

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Loyalty.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
