using System.Text.Json.Nodes;
using Alba;
using Loyalty.Api.Expiry;
using Loyalty.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using NodaTime.Text;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Finance;

/// <summary>The points liability and the deferred revenue estimate, against a hand-computed example.</summary>
public class LiabilityTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start); // 24 November 2026, 13:00 in Amsterdam

    private static object Settings(decimal? expectedRedemptionRate = null) =>
        new
        {
            currency = "EUR",
            timeZone = "Europe/Amsterdam",
            earnRate = new { points = 1, perAmount = 1 },
            pendingDays = 2,
            expiry = new { kind = "rolling", months = 1 },
            pointValue = new { points = 100, amount = 1.00m },
            expectedRedemptionRate,
        };

    private async Task<IAlbaHost> Program()
    {
        var host = await app.StartHostAsync(
            new HostOptions(
                Clock: _clock,
                FreshDatabase: true,
                Settings: new Dictionary<string, string?> { ["Loyalty:Expiry:Enabled"] = "false" }
            )
        );
        Assert.Equal(200, (await host.Put("/program/settings", Settings())).Status);
        return host;
    }

    private async Task Buy(IAlbaHost host, Guid member, string id, decimal amount)
    {
        var purchase = PurchaseAt(_clock.GetCurrentInstant(), member, id, amount);
        Assert.Equal(201, (await host.Post("/purchases", purchase)).Status);
    }

    private static (long, long, long, long, long) Points(JsonNode figures) =>
        (
            figures["outstanding"]!["points"]!.GetValue<long>(),
            figures["available"]!["points"]!.GetValue<long>(),
            figures["pending"]!["points"]!.GetValue<long>(),
            figures["held"]!["points"]!.GetValue<long>(),
            figures["pastExpiry"]!["points"]!.GetValue<long>()
        );

    private static List<(string, long)> ByMonth(JsonNode liability) =>
        [
            .. liability["byExpiryMonth"]!
                .AsArray()
                .Select(m => (m!["month"]!.GetValue<string>(), m["expiring"]!["points"]!.GetValue<long>())),
        ];

    [Fact]
    public async Task the_liability_splits_what_members_hold_by_state_month_of_expiry_and_tier_now_and_as_of_a_date()
    {
        await using var host = await Program();
        var ada = await host.WithEnrolledMember();
        var grace = await host.WithEnrolledMember();
        // 24 November: lots of 120 (Ada) and 50 (Grace), pending two days, expiring on 24 December.
        await Buy(host, ada, "T1", 120m);
        await Buy(host, grace, "T2", 50m);
        // 4 December: Ada's lot of 80 (pending until the 6th, expiring in January); 20 held, 30 redeemed.
        _clock.Advance(Duration.FromDays(10));
        await Buy(host, ada, "T3", 80m);
        var hold = new { holdId = "H1", points = 20 };
        Assert.Equal(201, (await host.Post($"/members/{ada}/holds", hold)).Status);
        var redemption = new
        {
            redemptionId = "r1",
            points = 30,
            reward = "voucher",
        };
        Assert.Equal(201, (await host.Post($"/members/{ada}/redemptions", redemption)).Status);
        await LoyaltyApp.CatchUp(host);

        var now = await host.Get("/finance/liability");

        Assert.Equal(200, now.Status);
        var liability = now["liability"];
        Assert.Equal("lots", now.Get<string>("computedFrom"));
        // Ada 90 of lot one (20 of them held) and 80 pending; Grace 50.
        Assert.Equal((220L, 120L, 80L, 20L, 0L), Points(liability["total"]!));
        Assert.Equal(
            (2.20m, 1.20m, 0.80m, 0.20m),
            (
                liability["total"]!["outstanding"]!["money"]!.GetValue<decimal>(),
                liability["total"]!["available"]!["money"]!.GetValue<decimal>(),
                liability["total"]!["pending"]!["money"]!.GetValue<decimal>(),
                liability["total"]!["held"]!["money"]!.GetValue<decimal>()
            )
        );
        Assert.Equal([("2026-12", 140L), ("2027-01", 80L)], ByMonth(liability));
        var tier = Assert.Single(liability["byTier"]!.AsArray())!;
        Assert.Null(tier["tier"]);
        Assert.Equal((220L, 120L, 80L, 20L, 0L), Points(tier["figures"]!));
        // The same instant replayed from the events answers the same.
        var instant = InstantPattern.ExtendedIso.Format(_clock.GetCurrentInstant());
        var replayed = await host.Get($"/finance/liability?asOf={instant}");
        Assert.Equal("events", replayed.Get<string>("computedFrom"));
        Assert.Equal(liability.ToJsonString(), replayed["liability"].ToJsonString());
        // At the end of 24 November both first lots were still pending.
        var then = (await host.Get("/finance/liability?asOf=2026-11-24"))["liability"];
        Assert.Equal((170L, 0L, 170L, 0L, 0L), Points(then["total"]!));
        Assert.Equal([("2026-12", 170L)], ByMonth(then));
        var day = await host.Get("/finance/roll-forward?from=2026-11-24&to=2026-11-24");
        Assert.Equal(170L, day["rows"][0]!["closing"]!["points"]!.GetValue<long>());

        // Without a rate set or a year of history there is no estimate, and it says why.
        var estimate = now["estimate"];
        Assert.Equal(
            ("none", 30L, 0L, 0.0m),
            (
                estimate["rateSource"]!.GetValue<string>(),
                estimate["redeemed"]!.GetValue<long>(),
                estimate["expired"]!.GetValue<long>(),
                estimate["observedBreakageRate"]!.GetValue<decimal>()
            )
        );
        Assert.Null(estimate["deferredRevenue"]);
        Assert.NotNull(estimate["missing"]);
        Assert.Equal(200, (await host.Put("/program/settings", Settings(expectedRedemptionRate: 0.8m))).Status);
        var set = (await host.Get("/finance/liability"))["estimate"];
        // 220 points × €0.01 × 0.8
        Assert.Equal(("setting", 0.8m, 1.76m), Estimate(set));

        // 25 December: the first lots are past their expiry until the job takes them.
        Assert.Equal(200, (await host.Post($"/members/{ada}/holds/H1/release", new { })).Status);
        _clock.Advance(Duration.FromDays(21));
        var lapsed = (await host.Get("/finance/liability"))["liability"];
        Assert.Equal((220L, 80L, 0L, 0L, 140L), Points(lapsed["total"]!));
        Assert.Equal([("2027-01", 80L)], ByMonth(lapsed));
        await host.Services.GetRequiredService<PointsExpiryJob>().RunAsync(CancellationToken.None);
        await LoyaltyApp.CatchUp(host);
        var after = await host.Get("/finance/liability");
        Assert.Equal((80L, 80L, 0L, 0L, 0L), Points(after["liability"]["total"]!));
        // 140 expired of 170 redeemed or expired: 0.82352… rounds to 0.8235; 80 × €0.01 × 0.8.
        Assert.Equal(0.8235m, after["estimate"]["observedBreakageRate"]!.GetValue<decimal>());
        Assert.Equal(("setting", 0.8m, 0.64m), Estimate(after["estimate"]));
    }

    private static (string, decimal, decimal) Estimate(JsonNode estimate) =>
        (
            estimate["rateSource"]!.GetValue<string>(),
            estimate["expectedRedemptionRate"]!.GetValue<decimal>(),
            estimate["deferredRevenue"]!.GetValue<decimal>()
        );

    [Theory]
    [InlineData("asOf=2999-01-01")]
    [InlineData("asOf=yesterday")]
    [InlineData("asOf=-9998-01-01")]
    [InlineData("asOf=-9998-01-01T00:00:00Z")]
    public async Task an_instant_that_cannot_be_read_is_refused_naming_the_field(string query)
    {
        Assert.Equal((400, "asOf"), await Refusal(app.Host.Get($"/finance/liability?{query}")));
    }
}
