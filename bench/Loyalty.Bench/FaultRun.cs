using Loyalty.Api.Infrastructure;
using Loyalty.Harness;

namespace Loyalty.Bench;

/// <summary>The fault harness's scenarios at benchmark size (<c>--faults</c>): crash, storm and hostile input.</summary>
public static class FaultRun
{
    public static async Task RunAsync(ApiProcess api, EmbeddedPostgres postgres, LoyaltyClient till, Guid[] members, Report report)
    {
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<Acknowledged>();
        var touched = members.Take(1000).ToArray();

        // Crash: 16 tills retrying their purchases while the API is killed and restarted.
        var done = 0;
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var crash = Task.Run(async () => { await third.Task; await api.KillAsync(); await api.StartAsync(); });
        await Task.WhenAll(Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                var member = touched[(c * 200 + i) % touched.Length];
                var transaction = $"fault-crash-{c}-{i}";
                var reply = await till.PostUntilAnswered("/purchases", new
                {
                    transactionId = transaction, memberId = member, storeId = "s", occurredAt = "2026-01-01T10:00:00Z", currency = "EUR",
                    lines = new[] { new { lineId = "1", sku = "x", quantity = 1, unitPrice = 10m, discount = 0m } }
                }, TimeSpan.FromMinutes(2));
                if (reply.Ok) acknowledged.Add(new Acknowledged(member, "earned", transaction));
                if (Interlocked.Increment(ref done) == 16 * 200 / 3) third.SetResult();
            }
        })));
        await crash;
        report.Fault($"crash: {acknowledged.Count:N0} of {16 * 200:N0} purchases acknowledged across a SIGKILL and restart");

        // Hostile input: 50,000 requests, none may get a 5xx.
        var random = new Random(7);
        var serverErrors = 0;
        await Parallel.ForAsync(0, 50_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            (string path, string body) request;
            lock (random) request = Hostile.Request(random, touched);
            var reply = await till.Send(HttpMethod.Post, request.path, request.body);
            if (reply.Status is 0 or >= 500) Interlocked.Increment(ref serverErrors);
        });
        report.Fault($"hostile input: 50,000 requests, {serverErrors} answered 5xx or not at all");

        await using var ledger = new Ledger(postgres.ConnectionString);
        var violations = await ledger.ViolationsAsync(touched, acknowledged);
        report.Fault($"invariants over {touched.Length:N0} members: {(violations.Count == 0 ? "all hold" : string.Join("; ", violations.Take(5)))}");
    }
}
