using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Common;
using Loyalty.Domain.Rules;
using Marten;
using NodaTime;

namespace Loyalty.Api.Rules;

/// <summary>
/// The program's first settings, from configuration (<c>Loyalty:Program</c>), used only on a fresh database.
/// </summary>
public sealed class ProgramDefaults
{
    public string Currency { get; set; } = "EUR";
    public string TimeZone { get; set; } = "Europe/Amsterdam";
    public decimal EarnPoints { get; set; } = 1;
    public decimal EarnPerAmount { get; set; } = 1;

    /// <summary>How long a node keeps the settings it read; a change elsewhere applies within it.</summary>
    public double CacheSeconds { get; set; } = 5;
}

/// <summary>On a fresh database, records the program's first settings as rule version 1.</summary>
public sealed class ProgramSetup(
    IDocumentStore store,
    IClock clock,
    Microsoft.Extensions.Options.IOptions<ProgramDefaults> defaults,
    ILogger<ProgramSetup> log
) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var current = await ProgramSettingsQueries.Current(session, ct);
        if (current.Exists)
            return;
        var d = defaults.Value;
        var first = ChangeProgramSettings.Decide(
            ProgramSettings.None,
            ChangeProgramSettings.Parse(
                d.Currency,
                d.TimeZone,
                d.EarnPoints,
                d.EarnPerAmount,
                null,
                clock.GetCurrentInstant(),
                Actor.System("setup")
            )
        );
        session.Events.StartStream(ProgramSettings.StreamId, first);
        try
        {
            await session.SaveChangesAsync(ct);
            log.LogInformation(
                "Program settings recorded as rule version 1 ({Currency}, {TimeZone})",
                d.Currency,
                d.TimeZone
            );
        }
        catch (Exception e) when (EventStreams.IsWriteConflict(e))
        {
            // Another node set the program up at the same moment.
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
