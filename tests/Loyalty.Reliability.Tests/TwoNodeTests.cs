using System.Text.Json;
using Loyalty.Api.Expiry;
using Loyalty.Domain.Points;
using Loyalty.Domain.Tiers;
using Loyalty.Harness;
using Marten;
using NodaTime;

namespace Loyalty.Reliability.Tests;

/// <summary>
/// Two API processes on one database, as two nodes behind a load balancer: the load split across both, one killed
/// with SIGKILL mid-load while time moves past every lot's expiry, every tier's review and grace, and every hold's
/// time to live. The jobs run on both nodes; each due moment must be recorded once.
/// </summary>
public sealed class TwoNodeTests(Faults faults) : IDisposable
{
    private readonly string _clock = Path.Combine(Path.GetTempPath(), $"loyalty-clock-{Guid.NewGuid():N}");

    // Past two anniversary reviews (the first requalifies: the year it closes has the purchases; the second does not)
    // and the second one's 30 days of grace.
    private static readonly Duration TwoYearsAndFiveWeeks = Duration.FromDays(2 * 365 + 35);

    [Fact]
    public async Task two_nodes_share_the_load_survive_a_killed_node_and_record_each_due_moment_once()
    {
        // The service's day starts at noon in Amsterdam, so that the purchases an hour earlier fall on the same local
        // day (the tier review's window starts on a local date) whenever the test runs.
        var amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];
        var real = SystemClock.Instance.GetCurrentInstant();
        var toNoon = real.InZone(amsterdam).Date.At(new LocalTime(12, 0)).InZoneLeniently(amsterdam).ToInstant() - real;
        MoveClock(toNoon);
        await using var scenario = await faults.StartAsync(
            new Dictionary<string, string?>
            {
                ["Loyalty__Testing__ClockOffsetFile"] = _clock,
                ["Loyalty__Expiry__CheckSeconds"] = "1",
                ["Loyalty__Standing__CheckSeconds"] = "1",
            },
            nodes: 2
        );
        await ExpireAMonthAfterEarningAsync(scenario.Admin);
        var start = SystemClock.Instance.GetCurrentInstant() + toNoon;
        scenario.PurchasedAt = (start - Duration.FromHours(1)).ToString();
        var aging = await scenario.EnrollAsync(20, pointsEach: 600); // silver, reviewed each anniversary
        foreach (var member in aging)
        {
            var hold = new
            {
                holdId = "h1",
                points = 50,
                ttlSeconds = 60,
            };
            Assert.Equal(201, (await scenario.Admin.Post($"/members/{member}/holds", hold)).Status);
        }

        MoveClock(toNoon + TwoYearsAndFiveWeeks);
        var now = start + TwoYearsAndFiveWeeks;
        scenario.PurchasedAt = (now - Duration.FromHours(1)).ToString();
        var busy = await scenario.EnrollAsync(10, pointsEach: 200);
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = 0;
        var kill = Task.Run(
            async () =>
            {
                await third.Task;
                await scenario.Nodes[1].KillAsync();
            },
            TestContext.Current.CancellationToken
        );
        await Task.WhenAll(
            Enumerable
                .Range(0, 32)
                .Select(c =>
                    Task.Run(
                        async () =>
                        {
                            var random = new Random(c);
                            for (var i = 0; i < 12; i++)
                            {
                                var member = busy[random.Next(busy.Length)];
                                if (random.Next(2) == 0)
                                    await scenario.Purchase(member, $"two-{c}-{i}", 20, client: c);
                                else
                                    await scenario.Redeem(member, $"two-{c}-{i}", random.Next(1, 15), client: c);
                                if (Interlocked.Increment(ref done) == 32 * 12 / 3)
                                    third.SetResult();
                            }
                        },
                        TestContext.Current.CancellationToken
                    )
                )
        );
        await kill;

        Assert.DoesNotContain(scenario.Replies, r => r.Status is 0 or >= 500);
        Assert.Contains(scenario.Replies, r => r.Attempts > 1); // the killed node was felt
        await using var session = scenario.Ledger.Store.QuerySession();
        // A hold's release is due a minute after it was placed; the jobs run every second on both nodes.
        await scenario.Ledger.UntilAsync(
            () => DueWorkLeftAsync(session, aging, now),
            TimeSpan.FromMinutes(2),
            "mt_events",
            "mt_doc_expiryschedule"
        );
        await scenario.AssertInvariantsAsync(aging.Concat(busy));

        foreach (var member in aging)
        {
            var events = (await session.Events.FetchStreamAsync(member)).Select(e => e.Data).ToList();
            var expiredLots = events.OfType<PointsExpired>().SelectMany(e => e.Lots).GroupBy(l => l.LotId).ToList();
            Assert.NotEmpty(expiredLots);
            Assert.All(expiredLots, lot => Assert.Single(lot));
            Assert.Single(events.OfType<TierRequalified>());
            Assert.Single(events.OfType<TierGraceStarted>());
            Assert.Single(events.OfType<TierDowngraded>());
            Assert.Single(events.OfType<HoldReleased>(), r => r.HoldId == "h1");
        }
    }

    /// <summary>
    /// What is still due of the aging members' work: the day's expiry run, tiers to review, holds to release. (Points a
    /// hold gives back after that run are expired by the next day's.)
    /// </summary>
    private static async Task<string?> DueWorkLeftAsync(IQuerySession session, Guid[] aging, Instant now)
    {
        var today = now.InZone(DateTimeZoneProviders.Tzdb["Europe/Amsterdam"]).Date;
        var expiry = await session.LoadAsync<ExpirySchedule>(ExpirySchedule.PointsExpiry);
        if (expiry?.LastRunDay != today)
            return $"the expiry job has not run for {today}: {expiry}";
        foreach (var member in aging)
        {
            var events = (await session.Events.FetchStreamAsync(member)).Select(e => e.Data).ToList();
            if (!events.OfType<HoldReleased>().Any())
                return $"member {member}: hold not released";
            if (!events.OfType<TierDowngraded>().Any())
                return $"member {member}: tier not downgraded";
        }
        return null;
    }

    private static async Task ExpireAMonthAfterEarningAsync(LoyaltyClient admin)
    {
        var settings = JsonSerializer.Serialize(
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
        Assert.True((await admin.Send(HttpMethod.Put, "/program/settings", settings)).Ok);
    }

    /// <summary>Moves both nodes' clock: they read the offset from the same file.</summary>
    private void MoveClock(Duration offset)
    {
        File.WriteAllText(_clock + ".new", ((long)offset.TotalSeconds).ToString());
        File.Move(_clock + ".new", _clock, overwrite: true);
    }

    public void Dispose() => File.Delete(_clock);
}
