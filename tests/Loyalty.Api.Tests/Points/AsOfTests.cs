using Alba;
using Loyalty.Api.Tests.Infrastructure;
using NodaTime;
using NodaTime.Testing;
using NodaTime.Text;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Points;

/// <summary>A member's balance and lots as they stood at any past moment, from the events known by then.</summary>
public class AsOfTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start);

    [Theory]
    [InlineData(7)]
    [InlineData(2026)]
    public async Task the_balance_and_lots_as_of_any_past_moment_are_what_they_answered_at_that_moment(int seed)
    {
        await using var host = await app.StartHostAsync(
            new HostOptions(
                Clock: _clock,
                FreshDatabase: true,
                Settings: new Dictionary<string, string?> { ["Loyalty:Expiry:Enabled"] = "false" }
            )
        );
        var settings = new
        {
            currency = "EUR",
            timeZone = "Europe/Amsterdam",
            earnRate = new { points = 1, perAmount = 1 },
            pendingDays = 2,
            expiry = new { kind = "rolling", months = 1 },
        };
        Assert.Equal(200, (await host.Put("/program/settings", settings)).Status);
        var enrolledAt = _clock.GetCurrentInstant();
        var member = await host.WithEnrolledMember();
        var random = new Random(seed);
        var purchases = new List<string>();
        var seen = new List<(Instant At, string Balance, string Lots)>();

        for (var step = 0; step < 40; step++)
        {
            _clock.Advance(Duration.FromHours(random.Next(1, 40)));
            var now = _clock.GetCurrentInstant();
            var available = await host.Available(member);
            var answer = random.Next(10) switch
            {
                // Purchases reported up to three hours late: known only from when they were recorded.
                < 4 => await Buy(
                    host,
                    member,
                    $"T{step}",
                    random.Next(5, 80),
                    now - Duration.FromMinutes(random.Next(180))
                ),
                < 6 when purchases.Count > 0 => await host.Post(
                    $"/purchases/pos-1/{purchases[random.Next(purchases.Count)]}/returns",
                    new { returnId = $"R{step}", lines = new[] { new { lineId = "1", quantity = 1 } } }
                ),
                < 8 when available > 0 => await host.Post(
                    $"/members/{member}/redemptions",
                    new
                    {
                        redemptionId = $"r{step}",
                        points = random.Next(1, (int)Math.Min(available, 30) + 1),
                        reward = "coffee",
                    }
                ),
                _ => await host.Post(
                    $"/members/{member}/adjustments",
                    new
                    {
                        adjustmentId = $"a{step}",
                        points = random.Next(1, 20),
                        reason = "goodwill",
                    }
                ),
            };
            if (answer.Status == 201 && answer.Body?["transactionId"] is { } bought && answer.Body["returnId"] is null)
                purchases.Add(bought.GetValue<string>());
            Assert.True(answer.Status is 201 or 409 or 422, answer.ToString());
            seen.Add(
                (now, await Text(host, $"/members/{member}/balance"), await Text(host, $"/members/{member}/lots"))
            );
        }

        _clock.Advance(Duration.FromDays(3));
        foreach (var (at, balance, lots) in seen)
        {
            var asOf = InstantPattern.ExtendedIso.Format(at);
            Assert.Equal(balance, await Text(host, $"/members/{member}/balance?asOf={asOf}"));
            Assert.Equal(lots, await Text(host, $"/members/{member}/lots?asOf={asOf}"));
        }
        // The roll-forward over the same random history proves itself.
        await LoyaltyApp.CatchUp(host);
        var reconciliation = await host.Get("/finance/reconciliation");
        Assert.True(reconciliation.Get<bool>("balanced"), reconciliation.ToString());
        var outstanding = (await host.Get($"/members/{member}/balance")).Get<long>("outstanding");
        Assert.Equal(outstanding, reconciliation["reconciliation"]["kept"]!.GetValue<long>());
        // The liability from the current lots is the one a replay of every event gives.
        var liability = (await host.Get("/finance/liability"))["liability"].ToJsonString();
        var asOfNow = InstantPattern.ExtendedIso.Format(_clock.GetCurrentInstant());
        Assert.Equal(liability, (await host.Get($"/finance/liability?asOf={asOfNow}"))["liability"].ToJsonString());
        var before = InstantPattern.ExtendedIso.Format(enrolledAt - Duration.FromSeconds(1));
        Assert.Equal((404, "memberId"), await Refusal(host.Get($"/members/{member}/balance?asOf={before}")));
        var future = InstantPattern.ExtendedIso.Format(_clock.GetCurrentInstant() + Duration.FromHours(1));
        Assert.Equal((400, "asOf"), await Refusal(host.Get($"/members/{member}/lots?asOf={future}")));
        Assert.Equal((400, "asOf"), await Refusal(host.Get($"/members/{member}/balance?asOf=yesterday")));
    }

    private static async Task<Answer> Buy(IAlbaHost host, Guid member, string id, decimal amount, Instant at)
    {
        var body = new
        {
            source = "pos-1",
            transactionId = id,
            memberId = member,
            storeId = "store-12",
            occurredAt = at,
            currency = "EUR",
            lines = new[] { Line("1", 2, amount / 2) },
        };
        return await host.Post("/purchases", body);
    }

    private static async Task<string> Text(IAlbaHost host, string url)
    {
        var answer = await host.Get(url);
        Assert.Equal(200, answer.Status);
        return answer.Body!.ToJsonString();
    }
}
