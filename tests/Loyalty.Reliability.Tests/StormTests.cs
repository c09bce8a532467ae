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
}
