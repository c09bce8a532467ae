using Alba;
using Loyalty.Api.Expiry;
using Loyalty.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using static Loyalty.Api.Tests.Infrastructure.Scenarios;

namespace Loyalty.Api.Tests.Points;

/// <summary>
/// A program with a return window, expiring points and a point value, on a database and clock of its own.
/// </summary>
public class LotsAndExpiryTests(LoyaltyApp app)
{
    private readonly FakeClock _clock = new(LoyaltyApp.Start);
    private string? _database;

    /// <summary>
    /// The service on this test's database and clock, with the scheduler off: the test runs the job itself.
    /// </summary>
    private async Task<IAlbaHost> Host() =>
        await app.StartHostAsync(
            new HostOptions(
                Clock: _clock,
                ConnectionString: _database ??= await app.CreateDatabaseAsync(),
                Settings: new Dictionary<string, string?> { ["Loyalty:Expiry:Enabled"] = "false" }
            )
        );

    private async Task<IAlbaHost> ProgramWithLots(string expiry = "rolling", int months = 1, int pendingDays = 14)
    {
        var host = await Host();
        var changed = await host.Put(
            "/program/settings",
            new
            {
                currency = "EUR",
                timeZone = "Europe/Amsterdam",
                earnRate = new { points = 1, perAmount = 1 },
                pendingDays,
                expiry = new { kind = expiry, months },
                pointValue = new { points = 100, amount = 1.00m },
            }
        );
        Assert.Equal(200, changed.Status);
        return host;
    }

    private async Task<Answer> Buy(IAlbaHost host, Guid member, string transactionId, decimal amount)
    {
        var bought = await host.Post("/purchases", Purchase(member, transactionId, Line("1", 1, amount)));
        Assert.Equal(201, bought.Status);
        return bought;
    }

    [Fact]
    public async Task the_balance_shows_pending_points_with_their_date_and_what_expires_soon()
    {
        await using var host = await ProgramWithLots(pendingDays: 14);
        var member = await host.WithEnrolledMember();
        await Buy(host, member, "T1", 120);

        var balance = await host.Get($"/members/{member}/balance");

        Assert.Equal(0, balance.Get<long>("available"));
        Assert.Equal(120, balance.Get<long>("pending"));
        Assert.Equal(120, balance.Get<long>("outstanding"));
        var pending = balance["pendingPoints"][0]!;
        Assert.Equal((Earlier + Duration.FromDays(14)).ToString(), pending["availableAt"]!.GetValue<string>());
        Assert.Equal("2026-12-24", balance["nextExpiry"]["lastDay"]!.GetValue<string>());
        // not within the default 30 days: it expires in 30½
        Assert.Equal(0, balance["expiring"]["points"]!.GetValue<long>());
        var expiring = (await host.Get($"/members/{member}/balance?expiringWithinDays=31"))["expiring"]!;
        Assert.Equal(120, expiring["points"]!.GetValue<long>());
        Assert.Equal("2026-12-24", expiring["dates"]![0]!["lastDay"]!.GetValue<string>());

        _clock.Advance(Duration.FromDays(14));
        var later = await host.Get($"/members/{member}/balance");
        Assert.Equal((120, 0), (later.Get<long>("available"), later.Get<long>("pending")));
    }

    [Fact]
    public async Task the_lots_view_lists_open_lots_with_their_dates_in_the_programs_zone()
    {
        await using var host = await ProgramWithLots(expiry: "end-of-quarter", months: 3, pendingDays: 0);
        var member = await host.WithEnrolledMember();
        await Buy(host, member, "T1", 40);
        await Buy(host, member, "T2", 60);
        var redeemed = await host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R1",
                points = 50,
                reward = "mug",
            }
        );
        Assert.Equal(201, redeemed.Status);

        var lots = await host.Get($"/members/{member}/lots");

        var first = lots["lots"][0]!;
        Assert.Equal("purchase:pos-1/T2", first["lotId"]!.GetValue<string>());
        Assert.Equal(60, first["points"]!.GetValue<int>());
        Assert.Equal(50, first["open"]!.GetValue<int>());
        Assert.Equal("available", first["state"]!.GetValue<string>());
        Assert.Equal("2027-03-31", first["lastDay"]!.GetValue<string>());
        Assert.Single(lots["lots"]!.AsArray()); // T1's lot was used up first (same expiry and time: by id)
        Assert.Equal(
            ["purchase:pos-1/T1", "purchase:pos-1/T2"],
            redeemed["lots"]!.AsArray().Select(l => l!["lotId"]!.GetValue<string>())
        );
    }

    [Fact]
    public async Task the_expiry_job_expires_due_lots_once_and_remembers_the_day_it_ran()
    {
        await using var host = await ProgramWithLots(expiry: "rolling", months: 1, pendingDays: 0);
        var member = await host.WithEnrolledMember();
        await Buy(host, member, "T1", 70);
        var scheduler = host.Services.GetRequiredService<PointsExpiryScheduler>();
        Assert.NotNull(await scheduler.TickAsync(CancellationToken.None)); // today's run: nothing due yet
        Assert.Equal(70, await host.Available(member));

        _clock.Advance(Duration.FromDays(40));
        var run = await scheduler.TickAsync(CancellationToken.None);
        var again = await host.Services.GetRequiredService<PointsExpiryJob>().RunAsync(CancellationToken.None);

        Assert.Equal((1, 70L), (run!.Members, run.Points));
        Assert.Equal((0, 0L), (again.Members, again.Points));
        Assert.Null(await scheduler.TickAsync(CancellationToken.None)); // the day has had its run
        var balance = await host.Get($"/members/{member}/balance");
        Assert.Equal(
            (0, 0, 70),
            (balance.Get<long>("available"), balance.Get<long>("outstanding"), balance.Get<long>("lifetimeExpired"))
        );
        var ledger = await host.Get($"/members/{member}/ledger");
        Assert.Equal("expired", ledger["entries"][0]!["type"]!.GetValue<string>());
        Assert.Equal(-70, ledger["entries"][0]!["points"]!.GetValue<long>());
        Assert.Single(ledger["entries"]!.AsArray(), e => e!["type"]!.GetValue<string>() == "expired");
    }

    [Fact]
    public async Task a_restart_neither_repeats_nor_loses_the_days_run()
    {
        await using var host = await ProgramWithLots();
        var scheduler = host.Services.GetRequiredService<PointsExpiryScheduler>();
        Assert.NotNull(await scheduler.TickAsync(CancellationToken.None));

        await using var restarted = await Host();
        var again = restarted.Services.GetRequiredService<PointsExpiryScheduler>();
        Assert.Null(await again.TickAsync(CancellationToken.None));
        _clock.Advance(Duration.FromDays(1));
        Assert.NotNull(await again.TickAsync(CancellationToken.None)); // a new local day: its run happens
    }

    [Fact]
    public async Task paying_with_points_is_quoted_and_redeemed_in_the_programs_currency_only()
    {
        await using var host = await ProgramWithLots(pendingDays: 0);
        var member = await host.WithEnrolledMember();
        await Buy(host, member, "T1", 500);

        var quote = await host.Get($"/members/{member}/pay-with-points?amount=7.255&currency=EUR");
        Assert.Equal(400, quote.Status); // cents only
        quote = await host.Get($"/members/{member}/pay-with-points?amount=7.25&currency=EUR");
        Assert.Equal(
            (725, 500, 500),
            (quote.Get<long>("pointsNeeded"), quote.Get<long>("available"), quote.Get<long>("pointsCovering"))
        );
        Assert.Equal(5.00m, quote.Get<decimal>("amountCovered"));
        Assert.False(quote.Get<bool>("coversAll"));
        Assert.Equal(422, (await host.Get($"/members/{member}/pay-with-points?amount=1.00&currency=USD")).Status);

        var paid = await host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R1",
                amount = 2.50m,
                currency = "EUR",
                reward = "order 42",
            }
        );
        Assert.Equal(201, paid.Status);
        Assert.Equal(250, paid.Get<int>("points"));
        Assert.Equal(2.50m, paid["value"]["amount"]!.GetValue<decimal>());
        Assert.Equal("EUR", paid["value"]["currency"]!.GetValue<string>());
        var other = await host.Post(
            $"/members/{member}/redemptions",
            new
            {
                redemptionId = "R2",
                amount = 1m,
                currency = "USD",
                reward = "x",
            }
        );
        Assert.Equal((422, "currency"), (other.Status, other.Field));
        Assert.Equal(250, await host.Available(member));
    }
}
