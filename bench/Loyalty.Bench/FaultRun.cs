using Loyalty.Api.Infrastructure;
using Loyalty.Harness;

namespace Loyalty.Bench;

/// <summary>
/// The fault harness's scenarios at benchmark size (<c>--faults</c>): crash, database restart, storm and
/// hostile input, then the ledger's invariants over every member they touched.
/// </summary>
public static class FaultRun
{
    private static object Purchase(Guid member, string transactionId) =>
        new
        {
            transactionId,
            memberId = member,
            storeId = "s",
            occurredAt = "2026-01-01T10:00:00Z",
            currency = "EUR",
            lines = new[]
            {
                new
                {
                    lineId = "1",
                    sku = "x",
                    quantity = 1,
                    unitPrice = 10m,
                    discount = 0m,
                },
            },
        };

    public static async Task RunAsync(
        ApiProcess api,
        EmbeddedPostgres postgres,
        LoyaltyClient till,
        Guid[] members,
        Report report
    )
    {
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<Acknowledged>();
        var service = new Availability();
        var touched = members.Take(1000).ToArray();

        // Crash: 16 tills retrying their purchases while the API is killed and restarted.
        var done = 0;
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var crash = Task.Run(async () =>
        {
            await third.Task;
            service.Close();
            await api.KillAsync();
            await api.StartAsync();
            service.Open();
        });
        await Task.WhenAll(
            Enumerable
                .Range(0, 16)
                .Select(c =>
                    Task.Run(async () =>
                    {
                        for (var i = 0; i < 200; i++)
                        {
                            var member = touched[(c * 200 + i) % touched.Length];
                            var transaction = $"fault-crash-{c}-{i}";
                            var reply = await till.PostUntilAnswered(
                                "/purchases",
                                Purchase(member, transaction),
                                service,
                                TimeSpan.FromMinutes(2)
                            );
                            if (reply.Ok)
                                acknowledged.Add(new Acknowledged(member, "earned", transaction));
                            if (Interlocked.Increment(ref done) == 16 * 200 / 3)
                                third.SetResult();
                        }
                    })
                )
        );
        await crash;
        report.Fault(
            $"crash: {acknowledged.Count:N0} of {16 * 200:N0} purchases acknowledged across a SIGKILL " + "and restart",
            holds: acknowledged.Count == 16 * 200
        );

        // Database restart: 8 tills keep buying while PostgreSQL stops and starts again.
        var storm = members.Skip(1000).Take(10).ToArray();
        var unexpected = 0;
        var buying = Enumerable
            .Range(0, 8)
            .Select(c =>
                Task.Run(async () =>
                {
                    for (var i = 0; i < 100; i++)
                    {
                        var member = touched[(c * 100 + i) % touched.Length];
                        var transaction = $"fault-restart-{c}-{i}";
                        var reply = await till.PostUntilAnswered(
                            "/purchases",
                            Purchase(member, transaction),
                            service,
                            TimeSpan.FromMinutes(2)
                        );
                        if (reply.Ok)
                            acknowledged.Add(new Acknowledged(member, "earned", transaction));
                        else
                            Interlocked.Increment(ref unexpected);
                    }
                })
            )
            .ToArray();
        service.Close();
        await postgres.StopAsync();
        var whileDown = await till.Get($"/members/{touched[0]}/balance");
        await postgres.StartAgainAsync();
        service.Open();
        await Task.WhenAll(buying);
        report.Fault(
            $"database restart: answered {whileDown.Status} while down; {800 - unexpected} of 800 "
                + "purchases acknowledged after it came back",
            holds: unexpected == 0
        );

        // Storm: 64 clients on 10 members, earning and redeeming, 20% of requests sent twice.
        var refusedOrWorse = 0;
        await Task.WhenAll(
            Enumerable
                .Range(0, 64)
                .Select(c =>
                    Task.Run(async () =>
                    {
                        var random = new Random(c);
                        for (var i = 0; i < 30; i++)
                        {
                            var member = storm[random.Next(storm.Length)];
                            var earn = random.Next(2) == 0;
                            var reference = $"fault-storm-{c}-{i}";
                            for (var send = 0; send < (random.Next(5) == 0 ? 2 : 1); send++)
                            {
                                var reply = earn
                                    ? await till.PostUntilAnswered(
                                        "/purchases",
                                        Purchase(member, reference),
                                        service,
                                        TimeSpan.FromMinutes(1)
                                    )
                                    : await till.PostUntilAnswered(
                                        $"/members/{member}/redemptions",
                                        new
                                        {
                                            redemptionId = reference,
                                            points = 3,
                                            reward = "x",
                                        },
                                        service,
                                        TimeSpan.FromMinutes(1)
                                    );
                                if (reply.Ok)
                                    acknowledged.Add(new Acknowledged(member, earn ? "earned" : "redeemed", reference));
                                else if (reply.Status != 422)
                                    Interlocked.Increment(ref refusedOrWorse);
                            }
                        }
                    })
                )
        );
        report.Fault(
            $"storm: 64 clients on 10 members, {refusedOrWorse} answers other than success or " + "'not enough points'",
            holds: refusedOrWorse == 0
        );

        // Hostile input: 50,000 requests drawn from the OpenAPI document, none may get a 5xx.
        var document = System.Text.Json.Nodes.JsonNode.Parse((await till.Get("/openapi/v1.json")).Text!)!;
        var hostile = new Hostile(new Contract(document), touched);
        var random = new Random(7);
        var serverErrors = 0;
        await Parallel.ForAsync(
            0,
            50_000,
            new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (_, _) =>
            {
                HostileRequest request;
                lock (random)
                    request = hostile.Next(random);
                var (method, path, body, contentType, _) = request;
                var reply = await till.Send(new HttpMethod(method), path, body, contentType);
                if (reply.Status is 0 or >= 500)
                    Interlocked.Increment(ref serverErrors);
            }
        );
        report.Fault(
            $"hostile input: 50,000 requests, {serverErrors} answered 5xx or not at all",
            holds: serverErrors == 0
        );

        await using var ledger = new Ledger(postgres.ConnectionString);
        var violations = await ledger.ViolationsAsync(touched.Concat(storm), acknowledged);
        var found = violations.Count == 0 ? "all hold" : string.Join("; ", violations.Take(5));
        report.Fault(
            $"invariants over {touched.Length + storm.Length:N0} members: {found}",
            holds: violations.Count == 0
        );
    }
}
