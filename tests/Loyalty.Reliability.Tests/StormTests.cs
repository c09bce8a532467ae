using System.Collections.Concurrent;
using System.Text.Json;
using Loyalty.Harness;

namespace Loyalty.Reliability.Tests;

public class StormTests(Faults faults)
{
    [Fact]
    public async Task sixty_four_clients_on_ten_members_with_duplicate_retries_keep_every_invariant()
    {
        await using var scenario = await faults.StartAsync();
        var members = await scenario.EnrollAsync(10, pointsEach: 50);

        var clients = Enumerable
            .Range(0, 64)
            .Select(c =>
                Task.Run(
                    async () =>
                    {
                        var random = new Random(c);
                        var sent = new List<Func<Task>>();
                        for (var i = 0; i < 12; i++)
                        {
                            var member = members[random.Next(members.Length)];
                            Func<Task> op = random.Next(10) switch
                            {
                                < 5 => () => scenario.Purchase(member, $"storm-{c}-{i}", 20),
                                < 8 => () => scenario.Redeem(member, $"storm-{c}-{i}", random.Next(1, 15)),
                                _ => () => scenario.Return(member, $"seed-{member:N}", $"storm-{c}-{i}"),
                            };
                            await op();
                            sent.Add(op);
                            if (random.Next(5) == 0)
                                await sent[random.Next(sent.Count)](); // a duplicate retry of an earlier request
                        }
                    },
                    TestContext.Current.CancellationToken
                )
            )
            .ToArray();
        await Task.WhenAll(clients);

        Assert.DoesNotContain(scenario.Replies, r => r.Status is 0 or >= 500);
        Assert.All(scenario.Replies.Where(r => !r.Ok), r => Assert.Contains(r.Status, new[] { 409, 422 }));
        await scenario.AssertInvariantsAsync(members);
    }

    [Fact]
    public async Task a_storm_of_enrollments_with_codes_then_two_reward_runs_at_once_pay_each_once_within_caps()
    {
        var settings = new Dictionary<string, string?> { ["Loyalty__Referrals__Enabled"] = "false" };
        await using var scenario = await faults.StartAsync(settings, nodes: 2);
        var rules = new
        {
            enabled = true,
            referrer = new { points = 100 },
            referred = new { points = 50 },
            trigger = "enrollment",
            lifetimeCap = 3,
            velocityLimit = 1000,
        };
        Assert.True(
            (await scenario.Admin.Send(HttpMethod.Put, "/program/referrals", JsonSerializer.Serialize(rules))).Ok
        );
        var referrers = await scenario.EnrollAsync(4, pointsEach: 0);
        var codes = new List<string>();
        foreach (var referrer in referrers)
            codes.Add((await scenario.Admin.Get($"/members/{referrer}/referral")).Body!["code"]!.GetValue<string>());

        var referred = new ConcurrentBag<(Guid Member, int Referrer)>();
        var clients = Enumerable
            .Range(0, 32)
            .Select(c =>
                Task.Run(
                    async () =>
                    {
                        var random = new Random(c);
                        for (var i = 0; i < 3; i++)
                        {
                            var (externalId, referrer) = ($"storm-card-{c}-{i}", random.Next(referrers.Length));
                            var tries = random.Next(4) == 0 ? 2 : 1; // a duplicate retry now and then
                            var member = Guid.Empty;
                            for (var t = 0; t < tries; t++)
                            {
                                var reply = await scenario.EnrollReferred(externalId, codes[referrer], client: c);
                                if (reply.Ok)
                                    referred.Add((member = reply.Body!["id"]!.GetValue<Guid>(), referrer));
                            }
                            await scenario.Purchase(member, $"storm-{c}-{i}", 20, client: c);
                        }
                    },
                    TestContext.Current.CancellationToken
                )
            )
            .ToArray();
        await Task.WhenAll(clients);
        Assert.DoesNotContain(scenario.Replies, r => r.Status is 0 or >= 500);
        Assert.All(scenario.Replies.Where(r => !r.Ok), r => Assert.Contains(r.Status, new[] { 409, 422 }));
        var newcomers = referred.Distinct().ToList();
        Assert.Equal(32 * 3, newcomers.Count);

        // The reward job, run by two processes at once as two nodes would, then once more: each pays once.
        var jobs = Enumerable
            .Range(0, 2)
            .Select(_ => new ApiProcess(scenario.Api.ConnectionString, Faults.AdminKey, settings))
            .ToList();
        var exits = await Task.WhenAll(jobs.Select(job => job.RunToExitAsync("reward-referrals")));
        Assert.Equal(new[] { 0, 0 }, exits);
        Assert.Equal(0, await jobs[0].RunToExitAsync("reward-referrals"));
        Assert.Contains("0 of 0 due referrals rewarded.", jobs[0].Output);
        foreach (var job in jobs)
            await job.DisposeAsync();
        Assert.Empty(
            (await scenario.Admin.Get("/program/referrals?status=qualified&limit=1")).Body!["referrals"]!.AsArray()
        );

        foreach (var (member, _) in newcomers)
            Assert.Equal([50], await ReferralPoints(scenario, member));
        for (var r = 0; r < referrers.Length; r++)
        {
            var expected = Math.Min(3, newcomers.Count(n => n.Referrer == r));
            Assert.Equal(Enumerable.Repeat(100, expected), await ReferralPoints(scenario, referrers[r]));
        }
        await scenario.AssertInvariantsAsync([.. referrers, .. newcomers.Select(n => n.Member)]);
    }

    private static async Task<IReadOnlyList<int>> ReferralPoints(Scenario scenario, Guid member)
    {
        var ledger = await scenario.Admin.Get($"/members/{member}/ledger?limit=500");
        return ledger.Body!["entries"]!
            .AsArray()
            .Where(e => e!["type"]!.GetValue<string>() == "referral")
            .Select(e => e!["points"]!.GetValue<int>())
            .ToList();
    }
}
