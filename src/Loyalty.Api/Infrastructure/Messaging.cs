using Wolverine.Runtime;

namespace Loyalty.Api.Infrastructure;

public static class Messaging
{
    /// <summary>
    /// Runs a command (<c>insight</c>, <c>reward-referrals</c>) with Wolverine's runtime started, as in the service:
    /// its writes enlist messages (webhooks) in the outbox, which refuses them before the runtime starts.
    /// </summary>
    public static async Task<int> RunAsync(IServiceProvider services, Func<IServiceProvider, Task<int>> command)
    {
        var runtime = (IHostedService)services.GetRequiredService<IWolverineRuntime>();
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            return await command(services);
        }
        finally
        {
            await runtime.StopAsync(CancellationToken.None);
        }
    }
}
