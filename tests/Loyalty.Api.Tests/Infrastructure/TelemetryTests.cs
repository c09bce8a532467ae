using System.Diagnostics.Metrics;
using Loyalty.Api.Expiry;
using Loyalty.Api.Infrastructure;
using Marten;
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
        await using var host = await app.StartHostAsync(
            new HostOptions(
                Clock: clock,
                FreshDatabase: true,
                // the test runs the one job it counts; the others would count their own runs
                Settings: new Dictionary<string, string?>
                {
                    ["Loyalty:Expiry:Enabled"] = "false",
                    ["Loyalty:Standing:Enabled"] = "false",
                    ["Loyalty:Birthdays:Enabled"] = "false",
                }
            )
        );
        using var counted = new Counted(host.Services.GetRequiredService<LoyaltyMetrics>().Meter);
        await host.Put(
            "/program/settings",
            new
            {
                currency = "EUR",
                timeZone = "Europe/Amsterdam",
                earnRate = new { points = 1, perAmount = 1 },
                pendingDays = 0,
                expiry = new { kind = "rolling", months = 1 },
                pointValue = new { points = 100, amount = 1.00m },
            }
        );
        var member = await host.WithEnrolledMember();
        var purchase = Purchase(member, "T1", Line("a", 2, 30), Line("b", 1, 40)); // 60 + 40 points
        await host.Post("/purchases", purchase);
        await host.Post("/purchases", purchase); // a till's retry
        var oneBack = new { returnId = "r1", lines = new[] { new { lineId = "a", quantity = 1 } } };
        await host.Post("/purchases/pos-1/T1/returns", oneBack); // −30
        await host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R1",
                points = 25,
                reward = "coffee",
            }
        );
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
    public async Task a_write_that_meets_another_writer_is_decided_again_once_and_counted()
    {
        var otherWriter = new OtherWriterFirst();
        await using var host = await app.StartHostAsync(
            new HostOptions(Services: s => s.ConfigureMarten(o => o.Listeners.Add(otherWriter)))
        );
        using var counted = new Counted(host.Services.GetRequiredService<LoyaltyMetrics>().Meter);
        var member = await host.WithEnrolledMember();

        otherWriter.Member = member;
        var bought = await host.Post("/purchases", Purchase(member, "T1", Line("a", 1, 40)));

        Assert.Equal(201, bought.Status);
        Assert.Equal(1, counted["loyalty.writes.retried"]);
        Assert.Equal(40, counted["loyalty.points.earned"]);
        Assert.Equal(40, await host.Available(member));
    }

    /// <summary>
    /// Just before the first purchase of <see cref="Member"/> commits, another writer appends to the member's stream
    /// (a profile change), so the purchase finds its expected version taken.
    /// </summary>
    private sealed class OtherWriterFirst : DocumentSessionListenerBase
    {
        public Guid Member { get; set; }
        private int _done;

        public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
        {
            var purchasing = session.PendingChanges.Streams().Any(s => s.Id == Member);
            if (!purchasing || Interlocked.Exchange(ref _done, 1) == 1)
                return;
            await using var other = session.DocumentStore.LightweightSession();
            var profile = new Loyalty.Domain.Members.MemberProfile(
                "Ada Lovelace",
                "ada@example.com",
                null,
                null,
                "Europe/Amsterdam"
            );
            var version = (await other.Events.FetchStreamStateAsync(Member, token))!.Version;
            other.Events.Append(
                Member,
                version + 1,
                new Loyalty.Domain.Members.MemberProfileUpdated(
                    Member,
                    profile,
                    LoyaltyApp.Start,
                    Loyalty.Domain.Common.Actor.System("test")
                )
            );
            await other.SaveChangesAsync(token);
        }
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
                if (instrument.Meter == meter)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>(
                (instrument, value, _, _) => _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value)
            );
            _listener.Start();
        }

        public long this[string name] => _sums.GetValueOrDefault(name);

        public void Dispose() => _listener.Dispose();
    }
}
