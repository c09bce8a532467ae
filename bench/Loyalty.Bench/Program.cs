using System.Diagnostics;
using System.Globalization;
using Loyalty.Api.Infrastructure;
using Loyalty.Bench;
using Loyalty.Harness;
using Loyalty.Projections.Balances;
using Marten;

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    if (e.Message.Length > 0)
        Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

const string adminKey = "bench-admin-key-0123456789abcdefghijklmnop";
var folder = Path.Combine(Path.GetTempPath(), "loyalty-bench-" + Guid.NewGuid().ToString("N")[..8]);
Console.WriteLine(
    $"Loyalty benchmark: {options.Members:N0} members, clients {string.Join(",", options.Clients)}, "
        + $"{options.Duration.TotalSeconds:0} s per scenario"
);
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");

// 1. PostgreSQL with production settings (fsync and synchronous_commit on), and the API in Release as its own process.
await using var postgres = await EmbeddedPostgres.StartAsync(
    Path.Combine(folder, "pg"),
    durable: true,
    m => Console.WriteLine("  " + m)
);
await using var api = new ApiProcess(postgres.ConnectionString, adminKey);
await api.StartAsync();
Console.WriteLine($"  API (pid {api.ProcessId}) at {api.Url}");
using var http = LoyaltyClient.HttpFor(api.Url, options.Clients.Max() + 8);
var admin = new LoyaltyClient(http, adminKey);
var issued = await admin.Post(
    "/api-keys",
    new
    {
        name = "bench till",
        source = "pos",
        scopes = new[] { "members:read", "members:write", "points:earn", "points:redeem", "points:adjust" },
    }
);
var till = new LoyaltyClient(http, issued.Body!["key"]!.GetValue<string>());

// Tiers and a membership plan, as real programs have them: every purchase counts toward the tiers.
await ProgramRules.SetUpAsync(admin);

// Five active campaigns, three of which every typical purchase meets.
if (options.Campaigns)
    await ProgramCampaigns.SetUpAsync(admin);

var report = new Report(options, Environment.ProcessorCount);
var cpu = new CpuMeter(api, postgres);

// 2. Members, enrolled over HTTP by 16 clients; memory noted at 10,000 and at the end.
var members = new Guid[options.Members];
var enrolled = 0;
var memoryAt10k = 0L;
var enrollWatch = Stopwatch.StartNew();
var enrollTally = new Tally();
using (
    new Timer(
        _ => Load.Progress("enroll", enrollTally, enrollWatch.Elapsed),
        null,
        TimeSpan.FromSeconds(1),
        TimeSpan.FromSeconds(1)
    )
)
{
    await Parallel.ForAsync(
        0,
        options.Members,
        new ParallelOptions { MaxDegreeOfParallelism = 16 },
        async (i, _) =>
        {
            var reply = await till.Post(
                "/members",
                new
                {
                    externalId = $"bench-{i}",
                    name = $"Member {i}",
                    email = $"m{i}@example.com",
                }
            );
            enrollTally.Add(reply);
            if (reply.Ok)
                members[i] = reply.Body!["id"]!.GetValue<Guid>();
            if (Interlocked.Increment(ref enrolled) == Math.Min(10_000, options.Members))
                memoryAt10k = api.Memory().Current;
        }
    );
}
Console.WriteLine();
report.Enrollment(options.Members, enrollWatch.Elapsed, enrollTally.Errors, memoryAt10k, api.Memory().Current);
members = members.Where(m => m != Guid.Empty).ToArray();

var hot = members.Take(10).ToArray();
foreach (var member in hot)
    await till.Post(
        $"/members/{member}/adjustments",
        new
        {
            adjustmentId = $"hot-seed-{member}",
            points = 1_000_000,
            reason = "bench: plenty to redeem",
        }
    );
var scenarios = new Scenarios(till, members, hot);

// 3. Each scenario at each client count, against the same server, then the database's ceiling at the same count.
//    First, uncounted load on every path the scenarios take: .NET compiles a method quickly at first and optimises it
//    only after it has run for a while, so without this the first scenarios would measure half-compiled code.
await Load.RunAsync("warm-up, mixed (not counted)", 16, options.WarmUp * 2 / 3, scenarios.For("mixed", "warmup"));
await Load.RunAsync("warm-up, read (not counted)", 16, options.WarmUp / 3, scenarios.For("read", "warmup"));
await Ceiling.PrepareAsync(postgres.ConnectionString, options.Members);
foreach (var clients in options.Clients)
{
    foreach (var (scenario, nth) in options.Scenarios.Select((s, i) => (s, i)))
    {
        var paused = scenario == "earn-paused";
        if (paused)
            await PauseCampaignsAsync(true, clients);
        await using var sink = scenario == "earn-webhooks" ? new WebhookSink() : null;
        var webhook = sink is null ? null : await SubscribeAsync(sink, clients);
        var cpuBefore = cpu.Now();
        var retriedBefore = await WritesRetriedAsync(admin);
        var (tally, elapsed) = await Load.RunAsync(
            $"{scenario} × {clients} clients",
            clients,
            options.Duration,
            scenarios.For(scenario, $"{scenario}{clients}-{nth}")
        );
        var used = cpu.Now() - cpuBefore;
        var retried = await WritesRetriedAsync(admin) - retriedBefore;
        report.Scenario(scenario, clients, tally, elapsed, used, retried, api.Memory().Peak);
        if (paused)
            await PauseCampaignsAsync(false, clients);
        if (webhook is not null)
        {
            await admin.Send(HttpMethod.Delete, $"/webhooks/{webhook}", (string?)null);
            Console.WriteLine($"  webhook deliveries received so far: {sink!.Received:N0}");
        }
    }
    foreach (var ceiling in new[] { "earn", "read" })
    {
        Console.Write($"  pgbench {ceiling} × {clients} clients ...");
        try
        {
            var result = await Ceiling.RunAsync(postgres, ceiling, clients, options.Duration, options.Members);
            Console.WriteLine($" {result.PerSecond:N0}/s");
            report.Ceiling(result);
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine(" failed: " + e.Message.Split('\n').Last(l => l.Length > 0));
            report.Fault($"pgbench {ceiling} × {clients} failed: {e.Message.Split('\n').Last(l => l.Length > 0)}");
        }
    }
}

// 4. A member with 10,000 ledger entries: how long its first page takes.
var long_ = members[^1];
var ledgerTally = new Tally();
var seeded = Stopwatch.StartNew();
await Parallel.ForAsync(
    0,
    10_000,
    new ParallelOptions { MaxDegreeOfParallelism = 16 },
    async (i, _) =>
    {
        ledgerTally.Add(
            await till.Post(
                $"/members/{long_}/adjustments",
                new
                {
                    adjustmentId = $"long-{i}",
                    points = 1,
                    reason = "bench: a long ledger",
                }
            )
        );
        if (i % 1000 == 0)
            Load.Progress("10,000-entry ledger", ledgerTally, seeded.Elapsed);
    }
);
Console.WriteLine();
var pageTimes = new List<double>();
for (var i = 0; i < 50; i++)
    pageTimes.Add((await till.Get($"/members/{long_}/ledger?limit=50")).Elapsed.TotalMilliseconds);
report.LongLedger(
    pageTimes.Order().ElementAt(pageTimes.Count / 2),
    pageTimes.Order().ElementAt(pageTimes.Count * 95 / 100)
);

// 4b. Finance at benchmark size: the liability now and as of a past instant, and a million-row ledger export.
using (var slow = LoyaltyClient.HttpFor(api.Url, 2))
{
    slow.Timeout = TimeSpan.FromMinutes(10);
    await FinanceRun.RunAsync(api, postgres.ConnectionString, new LoyaltyClient(slow, adminKey), report);
}

// 4c. Member insight at benchmark size: the nightly job and the KPIs.
await InsightRun.RunAsync(api, postgres.ConnectionString, adminKey, admin, members.Length, report);

// 5. Rebuilding the balance projection from every event.
await using (var ledger = new Ledger(postgres.ConnectionString))
{
    await using var session = ledger.Store.QuerySession();
    var events = await session.Events.QueryAllRawEvents().CountAsync();
    Console.Write($"  rebuilding member balances from {events:N0} events ...");
    var rebuild = Stopwatch.StartNew();
    await BalanceRebuild.RunAsync(
        ledger.Store,
        read => Console.Write($" {read:N0} ({rebuild.Elapsed.TotalSeconds:0.0} s)")
    );
    rebuild.Stop();
    Console.WriteLine($" {rebuild.Elapsed.TotalSeconds:0.0} s");
    report.Rebuild(events, rebuild.Elapsed);
}

// 6. Optionally, the fault scenarios at benchmark size.
if (options.Faults)
    await FaultRun.RunAsync(api, postgres, till, members, report);

await api.StopAsync();
report.Write(options.Output);
try
{
    Directory.Delete(folder, recursive: true);
}
catch (IOException) { }
catch (UnauthorizedAccessException) { }
if (report.Violated)
    Console.Error.WriteLine("An invariant was violated: see the faults in the report.");
return report.Violated ? 1 : 0;

// Pauses or resumes the five campaigns, then sends uncounted purchases until the API's campaign cache has seen it.
async Task PauseCampaignsAsync(bool pause, int clients)
{
    await ProgramCampaigns.SetUpAsync(admin, pause ? "paused" : "active");
    var settling = TimeSpan.FromSeconds(new Loyalty.Api.Rules.ProgramDefaults().CacheSeconds + 1);
    var label = pause ? "campaigns paused (not counted)" : "campaigns resumed (not counted)";
    await Load.RunAsync(label, clients, settling, scenarios.For("earn", $"settle{pause}{clients}-{Guid.NewGuid():N}"));
}

// Subscribes a webhook to points.earned, then sends uncounted purchases until the API's webhook cache has seen it.
async Task<string> SubscribeAsync(WebhookSink sink, int clients)
{
    var created = await admin.Post("/webhooks", new { url = sink.Url, events = new[] { "points.earned" } });
    var settling = TimeSpan.FromSeconds(new Loyalty.Api.Webhooks.WebhookSettings().CacheSeconds + 1);
    var label = "webhook subscribed (not counted)";
    await Load.RunAsync(label, clients, settling, scenarios.For("earn", $"hook{clients}-{Guid.NewGuid():N}"));
    return created.Body!["webhook"]!["id"]!.GetValue<string>();
}

// The API's own count of writes decided again, from its metrics.
static async Task<long> WritesRetriedAsync(LoyaltyClient admin)
{
    var metrics = await admin.Get("/metrics");
    return (metrics.Text ?? "")
        .Split('\n')
        .Where(line => line.StartsWith("loyalty_writes_retried"))
        .Sum(line =>
            (long)double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)
        );
}
