namespace Loyalty.Reliability.Tests;

public class CrashTests(Faults faults)
{
    [Fact]
    public async Task a_killed_and_restarted_service_loses_nothing_and_doubles_nothing()
    {
        await using var scenario = await faults.StartAsync();
        var members = await scenario.EnrollAsync(20, pointsEach: 0);
        const int perWorker = 40;
        var done = 0;
        var aThirdDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var crash = Task.Run(
            async () =>
            {
                await aThirdDone.Task;
                scenario.Service.Close();
                await scenario.Api.KillAsync();
                await scenario.Api.StartAsync();
                scenario.Service.Open();
            },
            TestContext.Current.CancellationToken
        );
        var workers = Enumerable
            .Range(0, 8)
            .Select(w =>
                Task.Run(
                    async () =>
                    {
                        for (var i = 0; i < perWorker; i++)
                        {
                            var member = members[(w * perWorker + i) % members.Length];
                            await scenario.Purchase(member, $"crash-{w}-{i}", 10 + i);
                            if (Interlocked.Increment(ref done) == 8 * perWorker / 3)
                                aThirdDone.SetResult();
                        }
                    },
                    TestContext.Current.CancellationToken
                )
            )
            .ToArray();
        await Task.WhenAll(workers);
        await crash;

        Assert.Contains(scenario.Replies, r => r.Attempts > 1); // the crash was felt: some writes had to be sent again
        Assert.Equal(8 * perWorker, scenario.Acknowledged.Count);
        Assert.DoesNotContain(scenario.Replies, r => r.Status >= 500 && r.Status != 503);
        await scenario.AssertInvariantsAsync(members);
    }
}
