namespace Loyalty.Reliability.Tests;

public class DatabaseRestartTests(Faults faults)
{
    [Fact]
    public async Task while_the_database_is_down_the_service_answers_503_and_recovers_by_itself()
    {
        await using var scenario = await faults.StartAsync();
        var members = await scenario.EnrollAsync(10, pointsEach: 100);
        var workers = Enumerable
            .Range(0, 4)
            .Select(w =>
                Task.Run(
                    async () =>
                    {
                        for (var i = 0; i < 30; i++)
                            await scenario.Purchase(members[(w + i) % members.Length], $"restart-{w}-{i}", 5);
                    },
                    TestContext.Current.CancellationToken
                )
            )
            .ToArray();

        scenario.Service.Close();
        await faults.Postgres.StopAsync();
        var whileDown = new List<Harness.Reply>();
        for (var i = 0; i < 5; i++)
            whileDown.Add(await scenario.Admin.Get($"/members/{members[0]}/balance"));
        await faults.Postgres.StartAgainAsync(TestContext.Current.CancellationToken);
        scenario.Service.Open();
        await Task.WhenAll(workers);
        var afterwards = await scenario.Admin.Get($"/members/{members[0]}/balance");

        Assert.All(
            whileDown,
            r =>
            {
                Assert.Equal(503, r.Status);
                Assert.Equal("application/problem+json", r.ContentType);
                Assert.Equal("database", r.Field);
            }
        );
        Assert.Equal(200, afterwards.Status);
        Assert.DoesNotContain(scenario.Replies, r => r.Status >= 500 && r.Status != 503);
        Assert.Equal(4 * 30 + 10, scenario.Acknowledged.Count);
        await scenario.AssertInvariantsAsync(members);
    }
}
