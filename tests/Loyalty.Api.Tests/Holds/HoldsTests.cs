using Loyalty.Api.Tests.Infrastructure;
using Loyalty.Domain.Points;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Wolverine;
using Wolverine.Runtime;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Holds;

public class HoldsTests(LoyaltyApp app)
{
    private static object Hold(string holdId, int points, int? ttlSeconds = null) =>
        new
        {
            holdId,
            points,
            ttlSeconds,
            orderReference = "order-1",
        };

    [Fact]
    public async Task held_points_are_reserved_until_captured_and_a_partial_capture_releases_the_rest()
    {
        var member = await app.Host.WithMemberHolding(100);

        var held = await app.Host.Post($"/members/{member}/holds", Hold("H1", 80));
        Assert.Equal(201, held.Status);
        Assert.Equal("held", held.Get<string>("status"));
        Assert.Equal(
            (20, 80),
            (held["balance"]["available"]!.GetValue<long>(), held["balance"]["held"]!.GetValue<long>())
        );
        var replay = await app.Host.Post($"/members/{member}/holds", Hold("H1", 80));
        Assert.Equal(("true", 201), (replay.Header("Idempotent-Replay"), replay.Status));
        var redeem = await app.Host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R1",
                points = 30,
                reward = "mug",
            }
        );
        Assert.Equal(422, redeem.Status);

        var captured = await app.Host.Post($"/members/{member}/holds/H1/capture", new { points = 50 });
        Assert.Equal(200, captured.Status);
        Assert.Equal(("captured", 50), (captured.Get<string>("status"), captured.Get<int>("capturedPoints")));
        Assert.Equal(
            (50, 0, 50),
            (
                captured["balance"]["available"]!.GetValue<long>(),
                captured["balance"]["held"]!.GetValue<long>(),
                captured["balance"]["lifetimeRedeemed"]!.GetValue<long>()
            )
        );

        Assert.Equal(
            "true",
            (await app.Host.Post($"/members/{member}/holds/H1/capture", new { points = 50 })).Header(
                "Idempotent-Replay"
            )
        );
        var different = await app.Host.Post($"/members/{member}/holds/H1/capture", new { points = 60 });
        Assert.Equal((409, "points"), (different.Status, different.Field));
        Assert.Equal(409, (await app.Host.Post($"/members/{member}/holds/H1/release", null)).Status);
        Assert.Equal(50, await app.Host.Available(member));
    }

    [Fact]
    public async Task a_released_hold_frees_its_points_once()
    {
        var member = await app.Host.WithMemberHolding(100);
        Assert.Equal(201, (await app.Host.Post($"/members/{member}/holds", Hold("H1", 60))).Status);

        var released = await app.Host.Post($"/members/{member}/holds/H1/release", null);
        var again = await app.Host.Post($"/members/{member}/holds/H1/release", null);

        Assert.Equal(
            ("released", 100),
            (released.Get<string>("status"), released["balance"]["available"]!.GetValue<long>())
        );
        Assert.Equal((200, "true"), (again.Status, again.Header("Idempotent-Replay")));
        Assert.Equal(409, (await app.Host.Post($"/members/{member}/holds/H1/capture", new { })).Status);
        var ledger = await app.Host.Get($"/members/{member}/ledger");
        Assert.Single(ledger["entries"]!.AsArray(), e => e!["type"]!.GetValue<string>() == "hold-released");
        Assert.Equal(404, (await app.Host.Post($"/members/{member}/holds/nope/release", null)).Status);
    }

    [Fact]
    public async Task a_hold_not_captured_in_time_is_released_by_its_scheduled_message_exactly_once()
    {
        var clock = new FakeClock(LoyaltyApp.Start);
        await using var host = await app.StartHostAsync(new HostOptions(Clock: clock, FreshDatabase: true));
        var member = await host.WithMemberHolding(100);
        var held = await host.Post($"/members/{member}/holds", Hold("H1", 70, ttlSeconds: 600));
        Assert.Equal(201, held.Status);

        // The release was stored with the hold, scheduled for the end of its time to live.
        var stored = await host.Services.GetRequiredService<IWolverineRuntime>().Storage.Admin.AllIncomingAsync();
        Assert.Contains(
            stored,
            e =>
                e.MessageType!.Contains(nameof(ReleaseExpiredHold), StringComparison.OrdinalIgnoreCase)
                && e.Status == EnvelopeStatus.Scheduled
        );

        clock.Advance(Duration.FromMinutes(10));
        var late = await host.Post($"/members/{member}/holds/H1/capture", new { });
        Assert.Equal(409, late.Status);
        Assert.Contains("expired", late.Reason);

        using (var scope = host.Services.CreateScope())
        {
            var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
            await bus.InvokeAsync(new ReleaseExpiredHold(member, "H1"));
            await bus.InvokeAsync(new ReleaseExpiredHold(member, "H1"));
        }

        var hold = await host.Get($"/members/{member}/holds/H1");
        Assert.Equal("expired", hold.Get<string>("status"));
        var balance = await host.Get($"/members/{member}/balance");
        Assert.Equal((100, 0), (balance.Get<long>("available"), balance.Get<long>("held")));
        var ledger = await host.Get($"/members/{member}/ledger");
        Assert.Single(ledger["entries"]!.AsArray(), e => e!["type"]!.GetValue<string>() == "hold-released");
        Assert.Contains("expired", (await host.Post($"/members/{member}/holds/H1/capture", new { })).Reason);
    }

    [Fact]
    public async Task an_early_release_message_changes_nothing()
    {
        var member = await app.Host.WithMemberHolding(100);
        Assert.Equal(201, (await app.Host.Post($"/members/{member}/holds", Hold("H1", 70))).Status);

        using (var scope = app.Host.Services.CreateScope())
            await scope
                .ServiceProvider.GetRequiredService<IMessageBus>()
                .InvokeAsync(new ReleaseExpiredHold(member, "H1"));

        Assert.Equal("held", (await app.Host.Get($"/members/{member}/holds/H1")).Get<string>("status"));
        Assert.Equal(30, await app.Host.Available(member));
    }

    [Theory]
    [InlineData("""{"points":10}""", "holdId", 400)]
    [InlineData("""{"holdId":"h","points":0}""", "points", 400)]
    [InlineData("""{"holdId":"h","points":10,"ttlSeconds":5}""", "ttlSeconds", 400)]
    [InlineData("""{"holdId":"h","points":10,"amount":1.00,"currency":"EUR"}""", "points", 400)]
    [InlineData("""{"holdId":"h","points":1000}""", "points", 422)]
    [InlineData("""{"holdId":"h","amount":1.00,"currency":"EUR"}""", "amount", 422)]
    public async Task a_hold_that_cannot_be_placed_is_refused_naming_the_field_and_changes_nothing(
        string body,
        string field,
        int status
    )
    {
        var member = await app.Host.WithMemberHolding(100);
        var version = await app.Host.StreamVersion(member);

        var refused = await app.Host.Post($"/members/{member}/holds", body);

        Assert.Equal((status, field), (refused.Status, refused.Field));
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Equal(version, await app.Host.StreamVersion(member));
    }
}
