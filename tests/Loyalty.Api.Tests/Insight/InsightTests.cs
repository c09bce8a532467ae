using System.Text.Json.Nodes;
using Alba;
using Loyalty.Api.Insight;
using Loyalty.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Insight;

/// <summary>
/// Stages, RFM segments and the member insight against a hand-computed example in Amsterdam, from 24 November 2026
/// (13:00 local). Ana buys 100 three times on 14 December, Ben 50 on 4 and 14 December, Cleo 200 on 4 December, Dan
/// 10 and Eva 20 on 24 November; Finn never buys. Scored on 3 January 2027 (recency 20, 20, 30, 40, 40 days):
/// Ana R4 F5 M5 champions, Ben R4 F4 M3 loyal, Cleo R3 F1 M4 potential loyalists, Dan R1 F1 M1 and Eva R1 F1 M2
/// lost, Finn in no segment.
/// </summary>
public class InsightTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start);

    private sealed record Members(Guid Ana, Guid Ben, Guid Cleo, Guid Dan, Guid Eva, Guid Finn);

    private async Task<IAlbaHost> Program(string? database = null)
    {
        var options = new HostOptions(Clock: _clock, ConnectionString: database ?? await app.CreateDatabaseAsync());
        var host = await app.StartHostAsync(options);
        var settings = new
        {
            currency = "EUR",
            timeZone = "Europe/Amsterdam",
            earnRate = new { points = 1, perAmount = 1 },
        };
        Assert.Equal(200, (await host.Put("/program/settings", settings)).Status);
        return host;
    }

    private async Task Buy(IAlbaHost host, Guid member, decimal amount) =>
        Assert.Equal(
            201,
            (await host.Post("/purchases", PurchaseAt(_clock.GetCurrentInstant(), member, NewId("T"), amount))).Status
        );

    private async Task<Members> History(IAlbaHost host)
    {
        var m = new Members(
            await host.WithEnrolledMember("ana"),
            await host.WithEnrolledMember("ben"),
            await host.WithEnrolledMember("cleo"),
            await host.WithEnrolledMember("dan"),
            await host.WithEnrolledMember("eva"),
            await host.WithEnrolledMember("finn")
        );
        await Buy(host, m.Dan, 10m);
        await Buy(host, m.Eva, 20m);
        _clock.Advance(Duration.FromDays(10));
        await Buy(host, m.Cleo, 200m);
        await Buy(host, m.Ben, 50m);
        _clock.Advance(Duration.FromDays(10));
        await Buy(host, m.Ben, 50m);
        for (var i = 0; i < 3; i++)
            await Buy(host, m.Ana, 100m);
        _clock.Advance(Duration.FromDays(20));
        return m;
    }

    private static Task<InsightRun> Run(IAlbaHost host) =>
        host.Services.GetRequiredService<InsightJob>().RunAsync(CancellationToken.None);

    private static async Task<JsonNode> Insight(IAlbaHost host, Guid member)
    {
        var answer = await host.Get($"/members/{member}/insight");
        Assert.Equal(200, answer.Status);
        return answer.Body!;
    }

    private static async Task<List<Guid>> Listed(IAlbaHost host, string query)
    {
        var answer = await host.Get($"/insight/members?{query}");
        Assert.Equal(200, answer.Status);
        return [.. answer["members"].AsArray().Select(m => Guid.Parse(m!["id"]!.GetValue<string>()))];
    }

    private static string Segment(JsonNode insight) => insight["segment"]!.GetValue<string>();

    private static string Scores(JsonNode insight) =>
        $"{insight["scores"]!["recency"]}{insight["scores"]!["frequency"]}{insight["scores"]!["monetary"]}";

    [Fact]
    public async Task The_night_scores_members_by_quintiles_and_names_their_segments()
    {
        await using var host = await Program();
        var m = await History(host);

        var first = await Run(host);
        Assert.Equal(new InsightRun(6, 11, 6), first); // six first stages, five segments (Finn has none)
        Assert.Equal(new InsightRun(0, 0, null), await Run(host));

        var ana = await Insight(host, m.Ana);
        Assert.Equal(("champions", "455"), (Segment(ana), Scores(ana)));
        Assert.Equal(("loyal", "443"), (Segment(await Insight(host, m.Ben)), Scores(await Insight(host, m.Ben))));
        var cleo = await Insight(host, m.Cleo);
        Assert.Equal(("potential-loyalists", "314"), (Segment(cleo), Scores(cleo)));
        Assert.Equal(("lost", "111"), (Segment(await Insight(host, m.Dan)), Scores(await Insight(host, m.Dan))));
        Assert.Equal(("lost", "112"), (Segment(await Insight(host, m.Eva)), Scores(await Insight(host, m.Eva))));
        var finn = await Insight(host, m.Finn);
        Assert.Null(finn["segment"]);
        Assert.Equal("2027-01-03", ana["scoredOn"]!.GetValue<string>());

        Assert.Equal(new[] { m.Dan, m.Eva }.Order(), (await Listed(host, "segment=lost")).Order());
        var counts = (await host.Get("/insight/segments")).Body!;
        Assert.Equal(6, counts["members"]!.GetValue<int>());
        Assert.Equal(
            "champions:1 loyal:1 potential-loyalists:1 new:0 at-risk:0 cant-lose:0 hibernating:0 lost:2 unsegmented:1",
            string.Join(' ', counts["segments"]!.AsArray().Select(s => $"{s!["segment"]}:{s["members"]}"))
        );
    }

    [Fact]
    public async Task Stages_move_with_time_and_with_purchases()
    {
        await using var host = await Program();
        var m = await History(host);
        await Run(host);
        Assert.Equal(6, (await Listed(host, "stage=active")).Count);
        var ana = await Insight(host, m.Ana);
        Assert.Equal(("active", "2026-12-24"), (Stage(ana), ana["stageSince"]!.GetValue<string>()));
        Assert.Equal(3, ana["purchases"]!.GetValue<int>());
        Assert.Equal(300m, ana["spend"]!["amount"]!.GetValue<decimal>());
        Assert.Equal(100m, ana["averageOrderValue"]!["amount"]!.GetValue<decimal>());
        Assert.Equal(20, ana["daysSinceLastPurchase"]!.GetValue<int>());
        Assert.Equal(300, ana["points"]!["earned"]!.GetValue<long>());

        // 2 February: Cleo 60 quiet days, Dan, Eva and Finn 70: at risk; Ana and Ben 50: still active.
        _clock.Advance(Duration.FromDays(30));
        Assert.Equal(new InsightRun(4, 4, 6), await Run(host));
        var atRisk = new[] { m.Cleo, m.Dan, m.Eva, m.Finn }.Order();
        Assert.Equal(atRisk, (await Listed(host, "stage=at-risk")).Order());
        Assert.Equal("2027-01-23", (await Insight(host, m.Dan))["stageSince"]!.GetValue<string>());

        // A purchase brings Dan back at once in his insight, and in the lists at the job's next run.
        await Buy(host, m.Dan, 15m);
        Assert.Equal("active", Stage(await Insight(host, m.Dan)));
        Assert.Equal(new InsightRun(1, 1, null), await Run(host));
        Assert.Equal(new[] { m.Ana, m.Ben, m.Dan }.Order(), (await Listed(host, "stage=active")).Order());
    }

    [Fact]
    public async Task Two_nodes_running_the_job_at_once_record_each_change_once()
    {
        var database = await app.CreateDatabaseAsync();
        await using var host = await Program(database);
        await History(host);
        await using var second = await app.StartHostAsync(new HostOptions(Clock: _clock, ConnectionString: database));
        var runs = await Task.WhenAll(Run(host), Run(second));
        Assert.Equal(11, runs.Sum(r => r.Events));
        Assert.Equal(new InsightRun(0, 0, null), await Run(second));
    }

    [Fact]
    public async Task Lists_page_by_cursor_and_refuse_unknown_filters()
    {
        await using var host = await Program();
        var m = await History(host);
        await Run(host);
        var first = await host.Get("/insight/members?limit=4");
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = await host.Get($"/insight/members?limit=4&cursor={cursor}");
        Assert.Null(second.Body!["nextCursor"]);
        var all = first["members"].AsArray().Concat(second["members"].AsArray()).Select(x => x!["id"]!.ToString());
        Assert.Equal(new[] { m.Ana, m.Ben, m.Cleo, m.Dan, m.Eva, m.Finn }.Select(g => g.ToString()).Order(), all);

        Assert.Equal((400, "segment"), await Refusal(host.Get("/insight/members?segment=vip")));
        Assert.Equal((400, "stage"), await Refusal(host.Get("/insight/members?stage=asleep")));
        Assert.Equal((400, "cursor"), await Refusal(host.Get("/insight/members?cursor=zz")));
        Assert.Equal(404, (await host.Get($"/members/{Guid.NewGuid()}/insight")).Status);
        var lifecycle = new
        {
            currency = "EUR",
            timeZone = "Europe/Amsterdam",
            earnRate = new { points = 1, perAmount = 1 },
            lifecycle = new { atRiskAfterDays = 90, dormantAfterDays = 90 },
        };
        Assert.Equal((400, "lifecycle.dormantAfterDays"), await Refusal(host.Put("/program/settings", lifecycle)));
    }

    private static string Stage(JsonNode insight) => insight["stage"]!.GetValue<string>();
}
