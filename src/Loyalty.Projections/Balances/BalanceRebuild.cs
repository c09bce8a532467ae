using Loyalty.Projections.Finance;
using Marten;
using Npgsql;
using Weasel.Core;

namespace Loyalty.Projections.Balances;

/// <summary>
/// Rebuilds every member's balance from the events, one stream at a time: the events are read once in stream
/// order, each stream is folded by the projection itself, and the balances are written in bulk (COPY), overwriting
/// what is there. Marten's daemon rebuild does the same work through its general machinery at a fifth of the speed.
/// Run it with no writes going on: a write committed during the rebuild may be overwritten by the older fold.
/// </summary>
public static class BalanceRebuild
{
    private const int WriteBatch = 5_000;

    /// <returns>how many events were read</returns>
    public static async Task<long> RunAsync(
        IDocumentStore store,
        Action<long>? progress = null,
        CancellationToken ct = default
    )
    {
        var projection = new MemberBalanceProjection();
        var pending = new List<MemberBalance>(WriteBatch);
        var events = 0L;
        var stream = Guid.Empty;
        MemberBalance? balance = null;

        var schema = store.Options.DatabaseSchemaName;
        await using var lots = store.Storage.Database.CreateConnection();
        await lots.OpenAsync(ct);
        await using (var truncate = new NpgsqlCommand(LiabilityLots.Truncate(schema), lots))
            await truncate.ExecuteNonQueryAsync(ct);

        await using var session = store.QuerySession();
        var all = session
            .Events.QueryAllRawEvents()
            .OrderBy(e => e.StreamId)
            .ThenBy(e => e.Version)
            .ToAsyncEnumerable(ct);
        await foreach (var e in all)
        {
            if (e.StreamId != stream)
            {
                await KeepAsync(balance);
                (stream, balance) = (e.StreamId, null);
            }
            balance = projection.Evolve(balance, stream, e);
            if (++events % 50_000 == 0)
                progress?.Invoke(events);
        }
        await KeepAsync(balance);
        await WriteAsync();
        progress?.Invoke(events);
        return events;

        async Task KeepAsync(MemberBalance? folded)
        {
            if (folded is null)
                return;
            pending.Add(folded);
            if (pending.Count >= WriteBatch)
                await WriteAsync();
        }

        async Task WriteAsync()
        {
            if (pending.Count == 0)
                return;
            await store.BulkInsertAsync(pending, BulkInsertMode.OverwriteExisting, WriteBatch, ct);
            await LiabilityLots.CopyAsync(lots, schema, pending);
            pending.Clear();
        }
    }
}
