using System.Text.Json;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Api.Tiers;
using Loyalty.Domain.Access;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Members;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Finance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Finance;

/// <summary>
/// The reconciliation, over the events the roll-forward's projection has read so far: <see cref="EventsChecked"/>
/// of the <see cref="EventsInStore"/> (the rest are seconds old, or the projection is being rebuilt).
/// </summary>
public sealed record ReconciliationResponse(Reconciliation Reconciliation, long EventsChecked, long EventsInStore)
{
    public bool Balanced => Reconciliation.Balanced;
}

public static class ReconciliationEndpoint
{
    /// <summary>
    /// Proves the roll-forward up to <c>asOf</c> (default now; an instant or a date, taken at the start of its
    /// quarter of an hour): its closing, the sum of every member's open lots folded from their events, and the
    /// event store's total movement are the same; every day's movements are its events'. <c>balanced</c>, or the
    /// differences with the days and members that cause them. Reads every member event: an operator's check
    /// (also <c>dotnet Loyalty.Api.dll reconcile [asOf]</c>), not a dashboard's.
    /// </summary>
    [Tags("Finance")]
    [ProducesResponseType<ReconciliationResponse>(200)]
    [Refuses(400)]
    [WolverineGet("/finance/reconciliation", OperationId = "reconcile")]
    [Authorize(Policy = Permissions.FinanceRead)]
    public static async Task<ReconciliationResponse> Get(
        string? asOf,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        IClock clock,
        CancellationToken ct
    )
    {
        var program = await programSettings.CurrentAsync(ct);
        var now = clock.GetCurrentInstant();
        var at = asOf is null ? now : AsOf.Parse(asOf, program, now);
        return await CheckAsync(session, program.Zone(), at, ct);
    }

    public static async Task<ReconciliationResponse> CheckAsync(
        IQuerySession session,
        DateTimeZone zone,
        Instant asOf,
        CancellationToken ct
    )
    {
        var shards = await session.DocumentStore.Advanced.AllProjectionProgress(token: ct);
        var read = shards.FirstOrDefault(s => s.ShardName.StartsWith(nameof(PointsFlowDay)))?.Sequence ?? 0;
        var kept = (await session.Query<PointsFlowDay>().ToListAsync(ct)).SelectMany(d => d.Flows()).ToList();
        var all = await session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToListAsync(ct);
        var events = all.Where(e => e.Sequence <= read).ToList();
        var streams = events
            .Where(e => e.Data is IMemberEvent)
            .GroupBy(e => e.StreamId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<IMemberEvent>)[.. g.Select(e => (IMemberEvent)e.Data)]);
        var checkedEvents = Reconciliation.Check(kept, streams, asOf, zone);
        return new ReconciliationResponse(checkedEvents, events.Count, all.Count);
    }

    /// <summary>
    /// <c>reconcile [asOf]</c>: the same check for an operator, with the service stopped or running elsewhere;
    /// prints the answer and exits 0 when balanced, 1 when not.
    /// </summary>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        await using var session = store.QuerySession();
        var program = await ProgramSettingsQueries.Current(session, CancellationToken.None);
        var now = services.GetRequiredService<IClock>().GetCurrentInstant();
        var at = args is [var asOf] ? AsOf.Parse(asOf, program, now) : now;
        var result = await CheckAsync(session, program.Zone(), at, CancellationToken.None);
        var json = services.GetRequiredService<EventStreams>().Json;
        Console.WriteLine(JsonSerializer.Serialize(result, json));
        return result.Balanced ? 0 : 1;
    }
}
