using System.Diagnostics.Metrics;
using Loyalty.Api.Expiry;
using Loyalty.Api.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Infrastructure;

public class TelemetryTests(LoyaltyApp app)
{
    [Fact]
    public async Task the_counters_count_points_replays_and_job_runs_of_this_service()
    {
        var clock = new FakeClock(LoyaltyApp.Start);
        await using var host = await app.StartHostAsync(new HostOptions(Clock: clock, FreshDatabase: true,
            Settings: new Dictionary<string, string?> { ["Loyalty:Expiry:Enabled"] = "false" }));
        using var counted = new Counted(host.Services.GetRequiredService<LoyaltyMetrics>().Meter);
        await host.Put("/program/settings", new
        {
            currency = "EUR", timeZone = "Europe/Amsterdam", earnRate = new { points = 1, perAmount = 1 },
            pendingDays = 0, expiry = new { kind = "rolling", months = 1 },
            pointValue = new { points = 100, amount = 1.00m }
        });
        var member = await host.WithEnrolledMember();
        var purchase = Purchase(member, "T1", Line("a", 2, 30), Line("b", 1, 40)); // 60 + 40 points
        await host.Post("/purchases", purchase);
        await host.Post("/purchases", purchase); // a till's retry
        var oneBack = new { returnId = "r1", lines = new[] { new { lineId = "a", quantity = 1 } } };
        await host.Post("/purchases/pos-1/T1/returns", oneBack); // −30
        await host.Post($"/members/{member}/redemptions", new { redemptionId = "R1", points = 25, reward = "coffee" });
        clock.Advance(Duration.FromDays(40));
        var expiry = host.Services.GetRequiredService<PointsExpiryScheduler>();
        await expiry.TickAsync(CancellationToken.None); // 100 − 30 − 25 = 45

        Assert.Equal(100, counted["loyalty.points.earned"]);
        Assert.Equal(30, counted["loyalty.points.reversed"]);
        Assert.Equal(25, counted["loyalty.points.redeemed"]);
        Assert.Equal(45, counted["loyalty.points.expired"]);
        Assert.Equal(1, counted["loyalty.writes.replayed"]);
        Assert.Equal(1, counted["loyalty.job.runs"]);
        Assert.Equal(1, counted["loyalty.job.members"]);
    }

    [Fact]
    public async Task metrics_are_served_to_prometheus_with_a_key_that_may_read_them_and_to_no_one_else()
    {
        var scraper = await KeyWith("metrics:read");
        var till = await KeyWith("points:earn");
        await app.Host.WithMemberHolding(10);

        var scraped = await app.Host.Get(Telemetry.MetricsPath, Http.WithKey(scraper));

        Assert.Equal(200, scraped.Status);
        Assert.Contains("loyalty_points_earned", scraped.Text);
        Assert.Contains("http_server_request_duration_seconds", scraped.Text);
        Assert.Equal(401, (await app.Host.Get(Telemetry.MetricsPath, Http.Anonymous)).Status);
        Assert.Equal(403, (await app.Host.Get(Telemetry.MetricsPath, Http.WithKey(till))).Status);
    }

    private async Task<string> KeyWith(string scope) =>
        (await app.Host.Post("/api-keys", new { name = scope, scopes = new[] { scope } })).Get<string>("key");

    /// <summary>The sums of one service's own counters, whatever other services in the test run count.</summary>
    private sealed class Counted : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _sums = new();

        public Counted(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meter) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
                _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
            _listener.Start();
        }

        public long this[string name] => _sums.GetValueOrDefault(name);
        public void Dispose() => _listener.Dispose();
    }
}
