
using Loyalty.Harness;
using Npgsql;

namespace Loyalty.Reliability.Tests;

/// <summary>
/// Ten thousand malformed or hostile requests: wrong types, huge and negative numbers, unknown fields next to
/// a real defect, oversized bodies, bad UTF-8, injection strings, unknown members. None may get a 5xx, and
/// none may change anything.
/// </summary>
public class HostileInputTests(Faults faults)
{
    [Fact]
    public async Task ten_thousand_hostile_requests_get_no_5xx_and_change_nothing()
    {
        await using var scenario = await faults.StartAsync();
        var members = await scenario.EnrollAsync(5, pointsEach: 40);
        var before = await SnapshotAsync(scenario);
        var random = new Random(20261124);
        var requests = Enumerable.Range(0, 10_000).Select(_ => Hostile.Request(random, members)).ToArray();

        using var http = LoyaltyClient.HttpFor(scenario.Api.Url, 8);
        var client = new LoyaltyClient(http, Faults.AdminKey);
        var replies = new Reply[requests.Length];
        await Parallel.ForAsync(0, requests.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var (path, body) = requests[i];
            replies[i] = await client.Send(HttpMethod.Post, path, body);
        });

        var failures = replies.Select((r, i) => (r, i)).Where(x => x.r.Status is 0 or >= 500 or < 400)
            .Select(x => $"{x.r.Status} for {requests[x.i].Path} {Shorten(requests[x.i].Body)}: {x.r.Body?.ToJsonString()}").Take(20).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Kestrel itself turns away a NUL in the path, before any of our code runs, with a bare 400.
        var bare = replies.Select((r, i) => (r, i))
            .Where(x => x.r.ContentType != "application/problem+json" && !(x.r.Status == 400 && requests[x.i].Path.Contains("%00")))
            .Select(x => $"{x.r.Status} {requests[x.i].Path}").Distinct().Take(10).ToList();
        Assert.True(bare.Count == 0, string.Join("\n", bare));
        Assert.Equal(before, await SnapshotAsync(scenario));
        await scenario.AssertInvariantsAsync(members);
    }

    private static string Shorten(string body) => body.Length > 200 ? body[..200] + "…" : body;

    private static async Task<string> SnapshotAsync(Scenario scenario)
    {
        await using var session = scenario.Ledger.Store.QuerySession();
        var connection = (NpgsqlConnection)session.Connection!;
        await using var command = new NpgsqlCommand(
            "select (select count(*) from loyalty.mt_events)::text || '/' || (select coalesce(string_agg(data::text, ',' order by id), '') from loyalty.mt_doc_memberbalance)",
            connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
