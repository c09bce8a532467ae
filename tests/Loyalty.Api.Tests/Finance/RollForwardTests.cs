using Alba;
using CsvHelper;
using Loyalty.Api.Tests.Infrastructure;
using Loyalty.Domain.Finance;
using Loyalty.Projections.Finance;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Finance;

/// <summary>The daily roll-forward through the API, against a hand-computed example.</summary>
public class RollForwardTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start); // 24 November 2026, 13:00 in Amsterdam

    private async Task<IAlbaHost> Program()
    {
        var host = await app.StartHostAsync(new HostOptions(Clock: _clock, FreshDatabase: true));
        var settings = new
        {
            currency = "EUR",
            timeZone = "Europe/Amsterdam",
            earnRate = new { points = 1, perAmount = 1 },
            pointValue = new { points = 100, amount = 1.00m },
        };
        Assert.Equal(200, (await host.Put("/program/settings", settings)).Status);
        return host;
    }

    private object Bought(Guid member, string id, decimal amount) =>
        PurchaseAt(_clock.GetCurrentInstant(), member, id, amount);

    [Fact]
    public async Task two_days_roll_forward_from_the_opening_to_the_closing_the_members_hold_in_json_and_csv()
    {
        await using var host = await Program();
        var ada = await host.WithEnrolledMember();
        var grace = await host.WithEnrolledMember();
        await TwoDays.MoveAsync(host, _clock, ada, grace, debitReason: "correction");
        await LoyaltyApp.CatchUp(host);

        var days = await host.Get("/finance/roll-forward?from=2026-11-24&to=2026-11-25");

        Assert.Equal(200, days.Status);
        var rows = days["rows"].AsArray();
        long P(int row, string figure) => rows[row]![figure]!["points"]!.GetValue<long>();
        Assert.Equal(
            (0L, 170L, 30L, 200L, 200L),
            (P(0, "opening"), P(0, "purchases"), P(0, "positiveAdjustments"), P(0, "earned"), P(0, "closing"))
        );
        Assert.Equal(
            (200L, -70L, -25L, -10L, 95L),
            (P(1, "opening"), P(1, "redeemed"), P(1, "reversed"), P(1, "negativeAdjustments"), P(1, "closing"))
        );
        Assert.Equal(0.95m, rows[1]!["closing"]!["money"]!.GetValue<decimal>());
        var outstanding = 0L;
        foreach (var member in new[] { ada, grace })
            outstanding += (await host.Get($"/members/{member}/balance")).Get<long>("outstanding");
        Assert.Equal(95, outstanding);

        var csv = await host.Get("/finance/roll-forward?from=2026-11-24&to=2026-11-25", ("Accept", "text/csv"));
        Assert.StartsWith("text/csv", csv.ContentType);
        await using var reader = CsvReader.FromText(csv.Text, null);
        await reader.ReadHeaderAsync(TestContext.Current.CancellationToken);
        var parsed = new List<(string, string, string)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            parsed.Add(
                (reader.GetString("period"), reader.GetString("closing_points"), reader.GetString("closing_money"))
            );
        Assert.Equal([("2026-11-24", "200", "2.00"), ("2026-11-25", "95", "0.95")], parsed);

        var month = await host.Get("/finance/roll-forward?from=2026-11-01&to=2026-11-30&granularity=month");
        var november = Assert.Single(month["rows"].AsArray())!;
        Assert.Equal(
            (0L, 95L),
            (november["opening"]!["points"]!.GetValue<long>(), november["closing"]!["points"]!.GetValue<long>())
        );
    }

    [Fact]
    public async Task the_reconciliation_balances_and_reports_the_day_a_corrupted_read_model_gets_wrong()
    {
        await using var host = await Program();
        var ada = await host.WithEnrolledMember();
        Assert.Equal(201, (await host.Post("/purchases", Bought(ada, "T1", 120m))).Status);
        _clock.Advance(Duration.FromDays(1));
        var redemption = new
        {
            redemptionId = "r1",
            points = 20,
            reward = "voucher",
        };
        Assert.Equal(201, (await host.Post($"/members/{ada}/redemptions", redemption)).Status);
        _clock.Advance(Duration.FromHours(1));
        await LoyaltyApp.CatchUp(host);

        var balanced = await host.Get("/finance/reconciliation");
        Assert.True(balanced.Get<bool>("balanced"), balanced.ToString());
        var figures = balanced["reconciliation"];
        Assert.Equal(
            (100L, 100L, 100L),
            (
                figures["kept"]!.GetValue<long>(),
                figures["inLots"]!.GetValue<long>(),
                figures["fromEvents"]!.GetValue<long>()
            )
        );
        Assert.Equal(balanced.Get<long>("eventsInStore"), balanced.Get<long>("eventsChecked"));

        // Someone edits the roll-forward's read model by hand: 5 more points purchased on the first day.
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            var day = await session.LoadAsync<PointsFlowDay>("2026-11-24");
            var (slot, flow) = day!.Slots.First();
            session.Store(
                day with
                {
                    Slots = new Dictionary<int, PointsFlow>(day.Slots)
                    {
                        [slot] = flow with { Purchases = flow.Purchases + 5 },
                    },
                }
            );
            await session.SaveChangesAsync();
        }
        var broken = await host.Get("/finance/reconciliation");

        Assert.False(broken.Get<bool>("balanced"));
        var report = broken["reconciliation"];
        Assert.Equal((105L, 100L), (report["kept"]!.GetValue<long>(), report["inLots"]!.GetValue<long>()));
        var difference = Assert.Single(report["days"]!.AsArray())!;
        Assert.Equal("2026-11-24", difference["day"]!.GetValue<string>());
        Assert.Equal(
            (125L, 120L),
            (
                difference["kept"]!["purchases"]!.GetValue<long>(),
                difference["fromEvents"]!["purchases"]!.GetValue<long>()
            )
        );
        var asOfFirstDay = await host.Get("/finance/reconciliation?asOf=2026-11-23");
        Assert.True(asOfFirstDay.Get<bool>("balanced"));
    }

    [Theory]
    [InlineData("from=2026-11-25&to=2026-11-24", "from")]
    [InlineData("from=2026-01-01&to=2027-01-02", "to")]
    [InlineData("from=2016-01-01&to=2026-11-02&granularity=month", "to")]
    [InlineData("from=24-11-2026&to=2026-11-25", "from")]
    [InlineData("to=2026-11-25", "from")]
    [InlineData("from=2026-11-24&to=2026-11-25&granularity=week", "granularity")]
    public async Task a_period_that_cannot_be_read_is_refused_naming_the_field(string query, string field)
    {
        Assert.Equal((400, field), await Refusal(app.Host.Get($"/finance/roll-forward?{query}")));
    }
}
