using System.Text.Json.Nodes;
using Loyalty.Harness;
using Npgsql;

namespace Loyalty.Reliability.Tests;

/// <summary>
/// Ten thousand hostile requests drawn from the service's own OpenAPI document (<see cref="Hostile"/>): every
/// operation, every kind of defect. None may get a 5xx, every write must be refused as problem+json, every answer
/// must keep the document, and nothing may change.
/// </summary>
public class HostileInputTests(Faults faults)
{
    [Fact]
    public async Task ten_thousand_hostile_requests_get_no_5xx_and_change_nothing()
    {
        await using var scenario = await faults.StartAsync();
        var members = await scenario.EnrollAsync(5, pointsEach: 40);
        var contract = new Contract(JsonNode.Parse((await scenario.Admin.Get("/openapi/v1.json")).Text!)!);
        var hostile = new Hostile(contract, members);
        var before = await SnapshotAsync(scenario);
        var random = new Random(20261124);
        var requests = Enumerable.Range(0, 10_000).Select(_ => hostile.Next(random)).ToArray();

        using var http = LoyaltyClient.HttpFor(scenario.Api.Url, 8);
        var client = new LoyaltyClient(http, Faults.AdminKey);
        var replies = new Reply[requests.Length];
        await Parallel.ForAsync(
            0,
            requests.Length,
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) =>
            {
                var (method, path, body, contentType, _) = requests[i];
                replies[i] = await client.Send(new HttpMethod(method), path, body, contentType);
            }
        );

        var targeted = requests.Select(r => contract.TemplateOf(r.Path) + r.Method).Distinct();
        Assert.Equal(hostile.Targets.Count(), targeted.Count());
        Assert.Equal(Hostile.Defects.Order(), requests.Select(r => r.Defect).Distinct().Order());
        var failures = replies
            .Select((r, i) => (Reply: r, Request: requests[i]))
            .Where(x => x.Reply.Status is 0 or >= 500 || (x.Request.Writes && x.Reply.Status < 400))
            .Select(x => $"{x.Reply.Status} for {x.Request}: {x.Reply.Text}")
            .Take(20)
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Kestrel itself turns away a NUL in the path, before any of our code runs, with a bare 400.
        var broken = replies
            .Select((r, i) => (Reply: r, Request: requests[i]))
            .Where(x => !(x.Reply.Status == 400 && x.Request.Path.Contains("%00")))
            .SelectMany(x => Violations(contract, x.Request, x.Reply))
            .Distinct()
            .Take(20)
            .ToList();
        Assert.True(broken.Count == 0, string.Join("\n", broken));
        Assert.Equal(before, await SnapshotAsync(scenario));
        await scenario.AssertInvariantsAsync(members);
    }

    private static IEnumerable<string> Violations(Contract contract, HostileRequest request, Reply reply)
    {
        if (reply.Status >= 400 && reply.ContentType != "application/problem+json")
            return [$"{reply.Status} for {request.Method} {request.Path} is not problem+json"];
        var contentType = reply.Headers.GetValueOrDefault("Content-Type");
        return contract
            .Violations(
                request.Method,
                request.Path,
                reply.Status,
                contentType,
                reply.Text,
                name => reply.Headers.GetValueOrDefault(name)
            )
            .Select(v => $"{v} ({request.Defect})");
    }

    private static async Task<string> SnapshotAsync(Scenario scenario)
    {
        await using var session = scenario.Ledger.Store.QuerySession();
        var connection = (NpgsqlConnection)session.Connection!;
        await using var command = new NpgsqlCommand(
            "select (select count(*) from loyalty.mt_events)::text || '/' || (select "
                + "coalesce(string_agg(data::text, ',' order by id), '') from loyalty.mt_doc_memberbalance)",
            connection
        );
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
