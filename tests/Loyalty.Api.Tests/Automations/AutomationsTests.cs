using System.Text.Json.Nodes;
using Alba;
using Loyalty.Api.Automations;
using Loyalty.Api.Tests.Infrastructure;
using Loyalty.Api.Tests.Tiers;
using Loyalty.Api.Tests.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Automations;

/// <summary>
/// Automations on a database and clock of each test's own, with the job run by the test. Members buy for 10.00 on
/// 24 November 2026 (13:00 in Amsterdam); their 90th quiet day is 22 February 2027.
/// </summary>
public class AutomationsTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start);

    private static readonly object WinBackCampaign = new
    {
        name = "200 to come back",
        status = "active",
        trigger = new { kind = "automation" },
        effect = new { kind = "points-per-purchase", points = 200 },
        budget = 300,
    };

    private static object WinBack(string status = "active", int? days = 90, string campaign = "win-back-200") =>
        new
        {
            name = "Win back after 90 quiet days",
            status,
            trigger = new { kind = "no-purchase", days },
            actions = new object[] { new { kind = "award", campaign }, new { kind = "tag", tag = "win-back" } },
        };

    private Task<IAlbaHost> Node(string database, Dictionary<string, string?>? settings = null) =>
        app.StartHostAsync(new HostOptions(Clock: _clock, ConnectionString: database, Settings: settings));

    private async Task<(IAlbaHost Host, string Database)> Program()
    {
        var database = await app.CreateDatabaseAsync();
        var host = await Node(database);
        var settings = new
        {
            currency = "EUR",
            timeZone = "Europe/Amsterdam",
            earnRate = new { points = 1, perAmount = 1 },
        };
        Assert.Equal(200, (await host.Put("/program/settings", settings)).Status);
        Assert.Equal(200, (await host.Put("/program/campaigns/win-back-200", WinBackCampaign)).Status);
        return (host, database);
    }

    private async Task<Guid> Buyer(IAlbaHost host)
    {
        var member = await host.WithEnrolledMember();
        var bought = await host.Post("/purchases", PurchaseAt(_clock.GetCurrentInstant(), member, NewId("T"), 10m));
        Assert.Equal(201, bought.Status);
        return member;
    }

    private static Task<AutomationRun> Run(IAlbaHost host) =>
        host.Services.GetRequiredService<AutomationJob>().RunAsync(CancellationToken.None);

    private static async Task<JsonNode> DryRun(IAlbaHost host, string code)
    {
        var answer = await host.Get($"/program/automations/{code}/dry-run");
        Assert.Equal(200, answer.Status);
        return answer.Body!;
    }

    [Fact]
    public async Task An_automation_is_versioned_checked_against_the_program_and_listed()
    {
        var (host, _) = await Program();
        await using var _h = host;
        var coffee = new
        {
            name = "Coffee",
            status = "active",
            trigger = new { kind = "purchase" },
            effect = new { kind = "multiplier", multiplier = 2 },
        };
        Assert.Equal(200, (await host.Put("/program/campaigns/coffee", coffee)).Status);

        var created = await host.Put("/program/automations/win-back", WinBack());
        var same = await host.Put("/program/automations/win-back", WinBack());
        var stale = await host.Put("/program/automations/win-back", Stale());
        var paused = await host.Put("/program/automations/win-back", WinBack("paused"));

        Assert.Equal((200, 1, "active"), (created.Status, created.Get<int>("version"), created.Get<string>("status")));
        Assert.Equal(LoyaltyApp.Start.ToString(), created.Get<string>("activeSince"));
        Assert.Equal(1, same.Get<int>("version"));
        Assert.Equal((412, "expectedVersion"), (stale.Status, stale.Field));
        Assert.Equal((2, "paused"), (paused.Get<int>("version"), paused.Get<string>("status")));
        Assert.Null(paused.Body!["activeSince"]);
        Assert.Equal((400, "trigger.days"), await Refusal(host.Put("/program/automations/x", WinBack(days: null))));
        Assert.Equal(
            (422, "actions[0].campaign"),
            await Refusal(host.Put("/program/automations/x", WinBack(campaign: "coffee")))
        );
        Assert.Equal(404, (await host.Get("/program/automations/x")).Status);

        var got = await host.Get("/program/automations/win-back");
        Assert.Equal(2, got["versions"].AsArray().Count);
        Assert.Equal("no-purchase", got["current"]["trigger"]["kind"]!.GetValue<string>());
        Assert.Single((await host.Get("/program/automations?status=paused"))["automations"].AsArray());
        Assert.Empty((await host.Get("/program/automations?status=active"))["automations"].AsArray());
        Assert.Equal((400, "status"), await Refusal(host.Get("/program/automations?status=asleep")));
        Assert.Equal(2, await Audited(host, "automation-changed"));

        object Stale() =>
            new
            {
                name = "Win back after 90 quiet days",
                status = "active",
                trigger = new { kind = "no-purchase", days = 91 },
                actions = new object[] { new { kind = "webhook" } },
                expectedVersion = 0,
            };
    }

    private static async Task<int> Audited(IAlbaHost host, string kind)
    {
        await LoyaltyApp.CatchUp(host);
        var audit = await host.Get($"/audit?kind={kind}");
        Assert.Equal(200, audit.Status);
        return audit["entries"].AsArray().Count;
    }

    [Fact]
    public async Task The_job_fires_once_per_member_and_quiet_spell_within_the_campaigns_budget_and_tags_them()
    {
        var (host, database) = await Program();
        Assert.Equal(200, (await host.Put("/program/automations/win-back", WinBack())).Status);
        Guid[] members = [await Buyer(host), await Buyer(host), await Buyer(host)];

        _clock.Advance(Duration.FromDays(89));
        var day89 = await Run(host);
        var nobodyYet = await DryRun(host, "win-back");
        _clock.Advance(Duration.FromDays(1));
        var wouldReach = await DryRun(host, "win-back");
        var day90 = await Run(host);
        var again = await Run(host);
        await host.DisposeAsync();
        host = await Node(database);
        var afterRestart = await Run(host);

        Assert.Equal((new AutomationRun(0, 0), 0), (day89, nobodyYet["reached"]!.GetValue<int>()));
        Assert.Equal(3, wouldReach["reached"]!.GetValue<int>());
        Assert.Equal(
            "no-purchase-since/2026-11-24 2027-02-22",
            $"{wouldReach["members"]![0]!["occurrence"]} {wouldReach["members"]![0]!["on"]}"
        );
        Assert.Equal(new AutomationRun(3, 3), day90);
        Assert.Equal((new AutomationRun(0, 0), new AutomationRun(0, 0)), (again, afterRestart));
        Assert.Equal(0, (await DryRun(host, "win-back"))["reached"]!.GetValue<int>());

        // the budget of 300 gives 200, then the 100 left, then nothing
        var balances = new List<long>();
        foreach (var member in members)
            balances.Add(await host.Available(member));
        Assert.Equal([10, 110, 210], balances.Order());
        var insight = await host.Get($"/members/{members[0]}/insight");
        Assert.Equal(["win-back"], insight["tags"].AsArray().Select(t => t!.GetValue<string>()));
        var rich = members[balances.IndexOf(210)];
        var ledger = await host.Get($"/members/{rich}/ledger");
        Assert.Equal(
            "win-back-200 v1: +200 by automation/win-back/no-purchase-since/2026-11-24",
            ledger["entries"][0]!["reason"]!.GetValue<string>()
        );
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Two_nodes_running_the_job_at_once_fire_for_each_member_once()
    {
        var (first, database) = await Program();
        await using var _f = first;
        await using var second = await Node(database);
        var webhookOnly = new
        {
            name = "Tell the CRM after 90 quiet days",
            status = "active",
            trigger = new { kind = "no-purchase", days = 90 },
            actions = new object[] { new { kind = "webhook" } },
        };
        Assert.Equal(200, (await first.Put("/program/automations/crm", webhookOnly)).Status);
        for (var i = 0; i < 10; i++)
            await Buyer(first);
        _clock.Advance(Duration.FromDays(90));

        var runs = await Task.WhenAll(Run(first), Run(second), Run(first), Run(second));

        Assert.Equal(10, runs.Sum(r => r.Fired));
        Assert.Equal(new AutomationRun(0, 0), await Run(second));
    }

    [Fact]
    public async Task A_tier_upgrade_fires_at_once_and_tells_the_webhooks_with_the_member_tagged()
    {
        await using var receiver = new WebhookReceiver(failing: 0);
        var database = await app.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Loyalty:Webhooks:CacheSeconds"] = "0",
            ["Loyalty:Scheduling:PollMilliseconds"] = "200",
            ["Loyalty:Standing:Enabled"] = "false",
        };
        await using var host = await Node(database, settings);
        Assert.Equal(200, (await host.Put("/program/tiers", TiersTests.Rules())).Status);
        var subscribed = await host.Post(
            "/webhooks",
            new { url = receiver.Url, events = new[] { "automation.fired" } }
        );
        Assert.Equal(201, subscribed.Status);
        var welcome = new
        {
            name = "Welcome to gold",
            status = "active",
            trigger = new { kind = "tier-upgraded" },
            condition = new { tiers = new[] { "gold" } },
            actions = new object[] { new { kind = "webhook" }, new { kind = "tag", tag = "gold-welcome" } },
        };
        Assert.Equal(200, (await host.Put("/program/automations/welcome-gold", welcome)).Status);
        var silver = await host.WithEnrolledMember();
        var gold = await host.WithEnrolledMember();

        await host.Post("/purchases", PurchaseAt(_clock.GetCurrentInstant(), silver, "T-silver", 1500m));
        await host.Post("/purchases", PurchaseAt(_clock.GetCurrentInstant(), gold, "T-gold", 3000m));

        var told = JsonNode.Parse((await receiver.NextAsync()).Body)!;
        Assert.Equal("automation.fired", told["type"]!.GetValue<string>());
        Assert.Equal(gold.ToString(), told["memberId"]!.GetValue<string>());
        Assert.Equal(
            ("welcome-gold", "tier-upgraded/gold/2026-11-24"),
            (told["data"]!["automation"]!.GetValue<string>(), told["data"]!["occurrence"]!.GetValue<string>())
        );
        var insight = await host.Get($"/members/{gold}/insight");
        Assert.Equal(["gold-welcome"], insight["tags"].AsArray().Select(t => t!.GetValue<string>()));
        Assert.Empty((await host.Get($"/members/{silver}/insight"))["tags"].AsArray());
    }
}
