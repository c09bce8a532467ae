using System.Data.Common;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Projections.Campaigns;
using Marten;
using Marten.Internal.Operations;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using IStorageSession = Weasel.Storage.IStorageSession;
using OperationRole = Weasel.Core.OperationRole;

namespace Loyalty.Api.Campaigns;

/// <summary>
/// Keeps campaigns within their budgets under any number of writers. A budget is kept in
/// <see cref="CampaignBudgetSlice.Count"/> slices. An award is taken whole from one slice that has enough left, its
/// member's first, skipping slices another writer holds: writers for different members take from a budget at once
/// instead of queueing on one row for every commit. When the slices with enough are all held, the write is decided
/// again a moment later (as when another writer changed the member): it does not wait holding a connection. When
/// no slice has enough (an award larger than a slice, or the budget's end), it locks every slice in order and takes
/// from several, or, with too little left in all, is decided again on what is left. A return gives back to the
/// slices in order. All of it happens in the write's own batch (<see cref="MoveFunction"/>), with no round trip of
/// its own. Slices are locked one at a time without waiting, or all in order, and campaigns in code order, so no
/// two writers wait for each other in a circle.
/// </summary>
public static class CampaignBudgets
{
    /// <summary>The budget of a campaign whose budget was taken away: far more than it could ever give.</summary>
    public const long NoEnd = 1L << 50;

    /// <summary>
    /// Queues on the write's batch the budgets of <paramref name="campaigns"/>: what each budgeted one has left, by
    /// code; campaigns without a budget are not named.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, long>> LoadLeft(
        Marten.Services.BatchQuerying.IBatchedQuery batch,
        IEnumerable<string> campaigns
    )
    {
        var ids = campaigns.SelectMany(CampaignBudgetSlice.IdsFor).ToArray();
        if (ids.Length == 0)
            return new Dictionary<string, long>();
        var slices = await batch.LoadMany<CampaignBudgetSlice>().ById(ids);
        return CampaignBudget.Of(slices).ToDictionary(b => b.Key, b => b.Value.Left);
    }

    /// <summary>
    /// Moves the budgets by what the events' awards charged to them, or give back to them, in the write's own batch;
    /// campaigns in code order.
    /// </summary>
    public static void Spend(IDocumentSession session, Guid memberId, IReadOnlyList<IMemberEvent> events)
    {
        var spends = events
            .SelectMany(e =>
                e switch
                {
                    CampaignPointsEarned earned => earned
                        .Awards.Where(a => a.Charged)
                        .Select(a => (a.Campaign, Points: (long)a.Points)),
                    CampaignPointsReversed reversed => reversed
                        .Reversals.Where(r => r.Charged)
                        .Select(r => (r.Campaign, Points: -(long)r.Points)),
                    _ => [],
                }
            )
            .Where(s => s.Points != 0)
            .GroupBy(s => s.Campaign, StringComparer.Ordinal)
            .Select(g => (Campaign: g.Key, Points: g.Sum(s => s.Points)))
            .OrderBy(s => s.Campaign, StringComparer.Ordinal);
        var home = CampaignBudgetSlice.HomeOf(memberId);
        var schema = session.DocumentStore.Options.DatabaseSchemaName;
        foreach (var (campaign, points) in spends)
            session.QueueOperation(new MoveBudget(schema, campaign, points, home));
    }

    /// <summary>
    /// The function that moves a budget by some points, as <see cref="MoveBudget"/> calls it. Taking: a whole slice
    /// with enough, the member's own first, skipping slices other writers hold; when those with enough are all held,
    /// failing with <see cref="WriteConflict.SqlState"/> (decided again); when no slice has enough, locking every
    /// slice in order and taking from several, or failing too when they have too little left in all. Giving back: to
    /// the slices in order, never below what each has given.
    /// </summary>
    public static Function MoveFunction(string schema)
    {
        var table = $"{schema}.mt_doc_campaignbudgetslice";
        const string left = "(data->>'Budget')::bigint - (data->>'Used')::bigint";
        const string used = "(data->>'Used')::bigint";
        return new Function(
            new PostgresqlObjectName(schema, "move_campaign_budget", SchemaUtils.IdentifierUsage.Function),
            $$"""
            create or replace function {{schema}}.move_campaign_budget(slices text[], points bigint, home text)
            returns void language plpgsql as $fn$
            declare
              rest bigint := abs(points);
              slice record;
            begin
              if points < 0 then
                for slice in select id, {{used}} as used from {{table}} where id = any(slices)
                             order by id for update loop
                  exit when rest = 0;
                  update {{table}} set data = jsonb_set(data, '{Used}', to_jsonb(slice.used - least(slice.used, rest)))
                  where id = slice.id;
                  rest := rest - least(slice.used, rest);
                end loop;
                return;
              end if;
              -- a slice with enough that no other writer holds, the member's own first
              update {{table}} t set data = jsonb_set(t.data, '{Used}', to_jsonb((t.data->>'Used')::bigint + points))
              from (select id from {{table}} where id = any(slices) and {{left}} >= points
                    order by id = home desc, id limit 1 for update skip locked) taken
              where t.id = taken.id;
              if found then
                return;
              end if;
              -- every slice with enough is held by another writer: decided again in a moment
              if (select max({{left}}) from {{table}} where id = any(slices)) >= points then
                raise exception 'every slice of % with % points left is held', slices[1], points
                  using errcode = '{{WriteConflict.SqlState}}';
              end if;
              -- no slice has enough: take from several
              perform 1 from {{table}} where id = any(slices) order by id for update;
              if (select coalesce(sum(greatest({{left}}, 0)), 0) from {{table}} where id = any(slices)) < points then
                raise exception 'the budget of % has less than % points left', slices[1], points
                  using errcode = '{{WriteConflict.SqlState}}';
              end if;
              for slice in select id, greatest({{left}}, 0) as spare from {{table}} where id = any(slices)
                           order by id loop
                exit when rest = 0;
                update {{table}} set data = jsonb_set(data, '{Used}', to_jsonb({{used}} + least(slice.spare, rest)))
                where id = slice.id;
                rest := rest - least(slice.spare, rest);
              end loop;
            end
            $fn$;
            """
        );
    }

    /// <summary>One campaign's budget moved by <paramref name="Points"/> (given back when negative).</summary>
    private sealed record MoveBudget(string Schema, string Campaign, long Points, int Home) : IStorageOperation
    {
        public Type DocumentType => typeof(CampaignBudgetSlice);

        public void ConfigureCommand(ICommandBuilder builder, IStorageSession session)
        {
            var slices = CampaignBudgetSlice.IdsFor(Campaign);
            builder.Append($"select {Schema}.move_campaign_budget(");
            builder.AppendParameter(slices);
            builder.Append(", ");
            builder.AppendParameter(Points);
            builder.Append(", ");
            builder.AppendParameter(slices[Home]);
            builder.Append(")");
        }

        // The call answers one row of nothing; the batch steps past it. Failures come as the function's SQLSTATE.
        public Task PostprocessAsync(DbDataReader reader, IList<Exception> exceptions, CancellationToken token) =>
            Task.CompletedTask;

        public OperationRole Role() => OperationRole.Other;
    }

    // The first value stands apart so that an array given as it is one parameter, not the parameters.
    private static async Task<object?> ScalarAsync(
        IDocumentSession session,
        string sql,
        CancellationToken ct,
        object first,
        params object[] more
    )
    {
        await using var command = new NpgsqlCommand(sql, session.Connection);
        foreach (var value in more.Prepend(first))
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return await command.ExecuteScalarAsync(ct);
    }

    /// <summary>
    /// Sets a campaign's budget with its change: new slices sharing it out, or, for a budget that exists, each slice
    /// keeping what it has given and a share of what is left (under the slices' locks); a budget below what the
    /// campaign has given is refused. A campaign that never had a budget has no slices; one whose budget is taken
    /// away keeps its slices with no end (<see cref="NoEnd"/>), still counting what it gives, so a budget set again
    /// counts everything given since the first.
    /// </summary>
    public static async Task SetAsync(IDocumentSession session, string campaign, long? budget, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        var table = Table(session);
        var ids = CampaignBudgetSlice.IdsFor(campaign);
        var used = await UsedAsync(session, table, ids, ct);
        if (budget is not { } total)
        {
            var noEnd =
                $"update {table} set data = jsonb_set(data, '{{Budget}}', to_jsonb($2::bigint)) where id = any($1)";
            await ScalarAsync(session, noEnd, ct, ids, NoEnd);
            return;
        }
        if (used.Count == 0)
        {
            foreach (var (slice, share) in Shares(total, new long[CampaignBudgetSlice.Count]))
                session.Insert(new CampaignBudgetSlice(ids[slice], campaign, slice, share, 0));
            return;
        }
        if (used.Sum() > total)
            throw new RuleBroken("budget", $"the campaign has already given {used.Sum()} points");
        var update = $"update {table} set data = jsonb_set(data, '{{Budget}}', to_jsonb($2::bigint)) where id = $1";
        foreach (var (slice, share) in Shares(total, [.. used]))
            await ScalarAsync(session, update, ct, ids[slice], share);
    }

    /// <summary>Each slice's budget: what it has given, and an even share of the rest.</summary>
    private static IEnumerable<(int Slice, long Budget)> Shares(long total, long[] used)
    {
        var rest = total - used.Sum();
        return used.Select((given, i) => (i, given + rest / used.Length + (i < rest % used.Length ? 1 : 0)));
    }

    /// <summary>What each slice has given, locking them in order.</summary>
    private static async Task<List<long>> UsedAsync(
        IDocumentSession session,
        string table,
        string[] ids,
        CancellationToken ct
    )
    {
        await using var command = new NpgsqlCommand(
            $"select (data->>'Used')::bigint from {table} where id = any($1) order by id for update",
            session.Connection
        )
        {
            Parameters = { new() { Value = ids } },
        };
        var used = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            used.Add(reader.GetInt64(0));
        return used;
    }

    // Marten's table for the slices: mt_doc_ and the type's name in lower case.
    private static string Table(IDocumentSession session) =>
        $"{session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_campaignbudgetslice";
}
