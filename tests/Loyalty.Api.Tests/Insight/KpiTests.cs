using Alba;
using CsvHelper;
using Loyalty.Api.Tests.Infrastructure;
using NodaTime;
using NodaTime.Testing;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Insight;

/// <summary>
/// November and December 2026 in Amsterdam: Ana and Ben join on 24 November; Ana buys 100 and 60, Ben 40, and Ana
/// redeems 50; on 1 December Ben buys 30. Worked by hand in the comments.
/// </summary>
public class KpiTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start);

    private async Task<IAlbaHost> Program()
    {
        var host = await app.StartHostAsync(new HostOptions(Clock: _clock, FreshDatabase: true));
        var settings = new
        {
            currency = "EUR",
            timeZone = "Europe/Amsterdam",
            earnRate = new { points = 1, perAmount = 1 },
        };
        Assert.Equal(200, (await host.Put("/program/settings", settings)).Status);
        var ana = await host.WithEnrolledMember("ana");
        var ben = await host.WithEnrolledMember("ben");
        await Buy(host, ana, "T1", 100m);
        await Buy(host, ben, "T2", 40m);
        await Buy(host, ana, "T3", 60m);
        var redemption = new
        {
            redemptionId = "r1",
            points = 50,
            reward = "voucher",
        };
        Assert.Equal(201, (await host.Post($"/members/{ana}/redemptions", redemption)).Status);
        _clock.Advance(Duration.FromDays(7));
        await Buy(host, ben, "T4", 30m);
        await LoyaltyApp.CatchUp(host);
        return host;
    }

    private async Task Buy(IAlbaHost host, Guid member, string id, decimal amount) =>
        Assert.Equal(
            201,
            (await host.Post("/purchases", PurchaseAt(_clock.GetCurrentInstant(), member, id, amount))).Status
        );

    [Fact]
    public async Task Kpis_by_month_in_json_and_csv_match_the_hand_computed_figures()
    {
        await using var host = await Program();
        const string url = "/program/kpis?from=2026-11-01&to=2026-12-31&granularity=month";
        var answer = await host.Get(url);
        Assert.Equal(200, answer.Status);
        var (november, december) = (answer["periods"][0]!, answer["periods"][1]!);

        // November: both new and active, 3 purchases for 200, Ana bought twice.
        Assert.Equal("0 2 2 2", Members(november));
        Assert.Equal(0.5m, november["repeatPurchaseRate"]!.GetValue<decimal>());
        Assert.Null(november["churnRate"]); // nobody was a member at the start
        Assert.Equal(66.67m, november["averageOrderValue"]!["amount"]!.GetValue<decimal>()); // 200 ÷ 3
        Assert.Equal(100m, november["lifetimeValue"]!["amount"]!.GetValue<decimal>()); // 200 ÷ 2
        Assert.Equal("200 50 0 0.25 0", Points(november)); // redeemed 50 of 200 issued; nothing expired

        // December: Ben alone bought (30); both stay: retention 2 ÷ 2.
        Assert.Equal("2 2 0 1", Members(december));
        Assert.Equal(0m, december["churnRate"]!.GetValue<decimal>());
        Assert.Equal(1m, december["retentionRate"]!.GetValue<decimal>());
        Assert.Equal(115m, december["averageSpendLast12Months"]!["amount"]!.GetValue<decimal>()); // 230 ÷ 2
        Assert.Equal("30 0 0 0 null", Points(december));

        var cohort = answer["cohorts"][0]!;
        Assert.Equal("2026-11 2: 1 0.5", $"{cohort["cohort"]} {cohort["members"]}: {Joined(cohort["retention"]!)}");

        var csv = await host.Send(HttpMethod.Get, url, null, ("Accept", "text/csv"));
        Assert.Equal(200, csv.Status);
        var rows = new List<(string From, string OrderValue, string Repeat, string Breakage)>();
        await using (var reader = CsvReader.FromText(csv.Text, null))
        {
            var ct = TestContext.Current.CancellationToken;
            await reader.ReadHeaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add(
                    (
                        reader.GetString("from"),
                        reader.GetString("average_order_value"),
                        reader.GetString("repeat_purchase_rate"),
                        reader.GetString("breakage_rate")
                    )
                );
        }
        Assert.Equal([("2026-11-01", "66.67", "0.5", "0"), ("2026-12-01", "30", "0", "")], rows);
    }

    [Fact]
    public async Task Bad_periods_are_refused()
    {
        var host = app.Host;
        Assert.Equal(
            (400, "granularity"),
            await Refusal(host.Get("/program/kpis?from=2026-11-01&to=2026-11-30&granularity=day"))
        );
        Assert.Equal((400, "from"), await Refusal(host.Get("/program/kpis?from=2026-11-01&to=2026-10-30")));
        Assert.Equal((400, "to"), await Refusal(host.Get("/program/kpis?from=2020-01-01&to=2026-10-30")));
        Assert.Equal((400, "from"), await Refusal(host.Get("/program/kpis?to=2026-10-30")));
    }

    private static string Members(System.Text.Json.Nodes.JsonNode period)
    {
        var m = period["members"]!;
        return $"{m["atStart"]} {m["total"]} {m["new"]} {m["active"]}";
    }

    private static string Points(System.Text.Json.Nodes.JsonNode period)
    {
        var p = period["points"]!;
        var breakage = p["breakageRate"]?.ToString() ?? "null";
        return $"{p["issued"]} {p["redeemed"]} {p["expired"]} {p["redemptionRate"]} {breakage}";
    }

    private static string Joined(System.Text.Json.Nodes.JsonNode values) =>
        string.Join(' ', values.AsArray().Select(v => v!.ToString()));
}
