namespace Loyalty.Api.Infrastructure;

/// <summary>
/// Runs a job every <c>Loyalty:{section}:CheckSeconds</c> (<paramref name="defaultSeconds"/> by default), from the
/// start; <c>Loyalty:{section}:Enabled</c> false turns it off. A run that fails is logged, and the next check tries
/// again: the jobs are idempotent, so a run cut short loses nothing.
/// </summary>
public abstract class JobScheduler(IConfiguration configuration, ILogger log, string section, int defaultSeconds)
    : BackgroundService
{
    protected abstract Task RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue($"Loyalty:{section}:Enabled", true))
            return;
        using var timer = new PeriodicTimer(
            TimeSpan.FromSeconds(configuration.GetValue($"Loyalty:{section}:CheckSeconds", defaultSeconds))
        );
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "{Job} failed; it runs again at the next check", section);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
