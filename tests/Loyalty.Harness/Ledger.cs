using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Projections.Audit;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Ledger;
using Marten;
using Marten.Events;
using Npgsql;

namespace Loyalty.Harness;

/// <summary>A write the service acknowledged with a 2xx, to be found exactly once afterwards.</summary>
public sealed record Acknowledged(Guid MemberId, string Type, string ReferenceId);

/// <summary>
/// The ledger's invariants, checked from the database itself (the same store configuration as the service):
/// every acknowledged write is there exactly once, no key had two effects, no balance is below zero, every
/// balance equals the fold of its member's events, and the totals reconcile.
/// </summary>
public sealed class Ledger : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    public DocumentStore Store { get; }

    public Ledger(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseNodaTime();
        _dataSource = builder.Build();
        var options = Wiring.StoreOptionsFor(_dataSource);
        options.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
        Store = new DocumentStore(options);
    }

    public async Task<IReadOnlyList<string>> ViolationsAsync(
        IEnumerable<Guid> members,
        IEnumerable<Acknowledged> acknowledged
    )
    {
        var violations = new List<string>();
        await using var session = Store.QuerySession();
        var memberIds = members.Distinct().ToArray();
        var entries = (await session.Query<LedgerEntry>().Where(e => e.MemberId.In(memberIds)).ToListAsync()).ToList();

        foreach (var twice in entries.GroupBy(e => (e.MemberId, e.Type, e.Reference.Id)).Where(g => g.Count() > 1))
            violations.Add(
                $"{twice.Key.Type} {twice.Key.Id} of member {twice.Key.MemberId} took effect {twice.Count()} times"
            );
        var present = entries.Select(e => (e.MemberId, e.Type, e.Reference.Id)).ToHashSet();
        foreach (var ack in acknowledged.Where(a => !present.Contains((a.MemberId, a.Type, a.ReferenceId))))
            violations.Add($"acknowledged {ack.Type} {ack.ReferenceId} of member {ack.MemberId} is missing");

        long foldedTotal = 0,
            balanceTotal = 0;
        foreach (var member in memberIds)
        {
            var events = await session.Events.FetchStreamAsync(member);
            var folded = events
                .Select(e => e.Data)
                .OfType<IMemberEvent>()
                .Aggregate(Balance.Zero, (b, e) => b.After(e));
            var running = Balance.Zero;
            foreach (var e in events.Select(e => e.Data).OfType<IMemberEvent>())
            {
                running = running.After(e);
                if (running.Outstanding < 0 || running.Held < 0 || running.Deficit < 0)
                    violations.Add($"member {member} went below zero: {running}");
            }
            var stored = await session.LoadAsync<MemberBalance>(member);
            if (stored is null)
            {
                violations.Add($"member {member} has no balance");
                continue;
            }
            var lots = stored.ToAccount().Lots;
            if (lots.Open() != stored.Balance.Outstanding || lots.Held() != stored.Balance.Held)
                violations.Add(
                    $"member {member}: open lots hold {lots.Open()} ({lots.Held()} held), the balance says "
                        + $"{stored.Balance.Outstanding} ({stored.Balance.Held})"
                );
            if (stored.Balance != folded)
                violations.Add($"member {member}: balance {stored.Balance} but its events fold to {folded}");
            if (stored.Version != events[^1].Version)
                violations.Add($"member {member}: balance at version {stored.Version}, stream at {events[^1].Version}");
            foldedTotal += folded.Outstanding - folded.Deficit;
            balanceTotal += stored.Balance.Outstanding - stored.Balance.Deficit;
            var lifetime =
                stored.Balance.LifetimeEarned
                - stored.Balance.LifetimeRedeemed
                + stored.Balance.LifetimeAdjusted
                - stored.Balance.LifetimeExpired;
            if (lifetime != stored.Balance.Outstanding - stored.Balance.Deficit)
                violations.Add(
                    $"member {member}: earned − redeemed ± adjusted − expired is {lifetime}, outstanding − "
                        + $"deficit is {stored.Balance.Outstanding - stored.Balance.Deficit}"
                );
        }
        if (foldedTotal != balanceTotal)
            violations.Add($"all balances add up to {balanceTotal}, all events to {foldedTotal}");

        // The async daemon, once caught up, must have seen every audited event once: none skipped, none twice.
        await Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        var audited = await session
            .Events.QueryAllRawEvents()
            .Where(e => e.EventTypesAre(AuditEntryProjection.AuditedEventTypes.ToArray()))
            .Select(e => e.Id)
            .ToListAsync();
        var audit = await session.Query<AuditEntry>().Select(e => e.Id).ToListAsync();
        if (audited.Count != audit.Count || !audited.ToHashSet().SetEquals(audit))
            violations.Add(
                $"the audit has {audit.Count} entries for {audited.Count} audited events "
                    + $"({audited.Except(audit).Count()} missing)"
            );
        return violations;
    }

    /// <summary>
    /// Waits for work the service does on its own timers until <paramref name="left"/> says nothing is left, asking
    /// again each time a change is committed to one of <paramref name="tables"/> (a trigger notifies this
    /// connection), so no time is guessed.
    /// </summary>
    public async Task UntilAsync(Func<Task<string?>> left, TimeSpan patience, params string[] tables)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        var triggers = string.Join(
            "\n",
            tables.Select(table =>
                $"""
                    create or replace trigger notify_changed after insert or update on loyalty.{table}
                      for each statement execute function loyalty.notify_changed();
                    """
            )
        );
        await using (
            var listen = new NpgsqlCommand(
                $"""
                create or replace function loyalty.notify_changed() returns trigger language plpgsql as
                  $$ begin perform pg_notify('loyalty_changed', ''); return null; end $$;
                {triggers}
                listen loyalty_changed;
                """,
                connection
            )
        )
            await listen.ExecuteNonQueryAsync();
        var deadline = DateTime.UtcNow + patience;
        while (await left() is { } undone)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || !await connection.WaitAsync(remaining))
                throw new TimeoutException($"not done after {patience.TotalSeconds:0} s: {undone}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        await _dataSource.DisposeAsync();
    }
}
