using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Projections.Campaigns;
using Marten;
using Npgsql;

namespace Loyalty.Api.Campaigns;

/// <summary>
/// Keeps campaigns within their budgets under any number of writers. A budget is kept in
/// <see cref="CampaignBudgetSlice.Count"/> slices, and every award is taken whole from one slice that has enough
/// left, its member's own first, skipping slices another writer holds: writers for different members take from a
/// budget at once instead of queueing on one row for every commit, and none waits for a second slice while
/// holding one, so none waits in a circle. An award is therefore cut down to what one slice has left (see
/// <see cref="LoadLeft"/>); at the end of a budget the slices' last points go in smaller awards. A write whose award
/// finds no slice with enough is undone and decided again on what is left then (a <see cref="WriteConflict"/>).
/// A return gives back to the slices in order, each what it had given.
/// </summary>
public static class CampaignBudgets
{
    private const string Take = """
        with slice as (
          select id from {0}
          where id = any($1) and (data->>'Budget')::bigint - (data->>'Used')::bigint >= $2
          order by id = $3 desc, id limit 1 for update skip locked)
        update {0} t set data = jsonb_set(t.data, '{{Used}}', to_jsonb((t.data->>'Used')::bigint + $2))
        from slice where t.id = slice.id
        returning 1
        """;

    private const string GiveBack = """
        with slice as (
          select id, least((data->>'Used')::bigint, $2) as points from {0} where id = $1 for update)
        update {0} t set data = jsonb_set(t.data, '{{Used}}', to_jsonb((t.data->>'Used')::bigint - slice.points))
        from slice where t.id = slice.id
        returning slice.points
        """;

    /// <summary>
    /// Queues on the write's batch the budgets of <paramref name="campaigns"/>: for each budgeted one, by code, the
    /// most one award may take (what its fullest slice has left); campaigns without a budget are not named.
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
        return slices.GroupBy(s => s.Campaign).ToDictionary(g => g.Key, g => g.Max(s => s.Left));
    }

    /// <summary>
    /// Moves the budgets of the campaigns that have one (<paramref name="budgeted"/>) by what the events give or
    /// take back; campaigns in code order.
    /// </summary>
    public static async Task SpendAsync(
        IDocumentSession session,
        Guid memberId,
        IEnumerable<string> budgeted,
        IReadOnlyList<IMemberEvent> events,
        CancellationToken ct
    )
    {
        var spends = events
            .Select(e =>
                e switch
                {
                    CampaignPointsEarned a => (a.Campaign, Points: (long)a.Points),
                    CampaignPointsReversed r => (r.Campaign, Points: -(long)r.Points),
                    _ => (Campaign: "", Points: 0L),
                }
            )
            .Where(s => s.Points != 0 && budgeted.Contains(s.Campaign))
            .GroupBy(s => s.Campaign, StringComparer.Ordinal)
            .Select(g => (Campaign: g.Key, Points: g.Sum(s => s.Points)))
            .OrderBy(s => s.Campaign, StringComparer.Ordinal)
            .ToList();
        if (spends.Count == 0)
            return;
        await session.BeginTransactionAsync(ct);
        var table = Table(session);
        foreach (var (campaign, points) in spends)
        {
            var slices = CampaignBudgetSlice.IdsFor(campaign);
            if (points > 0)
            {
                var home = slices[CampaignBudgetSlice.HomeOf(memberId)];
                if (await ScalarAsync(session, string.Format(Take, table), ct, slices, points, home) is null)
                    throw new WriteConflict($"no slice of campaign {campaign}'s budget has {points} points left");
                continue;
            }
            var left = -points;
            foreach (var slice in slices.TakeWhile(_ => left > 0))
                left -= await ScalarAsync(session, string.Format(GiveBack, table), ct, slice, left) as long? ?? 0;
        }
    }

    private static async Task<object?> ScalarAsync(
        IDocumentSession session,
        string sql,
        CancellationToken ct,
        params object[] values
    )
    {
        await using var command = new NpgsqlCommand(sql, session.Connection);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return await command.ExecuteScalarAsync(ct);
    }

    /// <summary>
    /// Sets a campaign's budget with its change: new slices sharing it out, or, for a budget that exists, each slice
    /// keeping what it has given and a share of what is left (under the slices' locks); a budget below what the
    /// campaign has given is refused. A campaign without a budget has no slices.
    /// </summary>
    public static async Task SetAsync(IDocumentSession session, string campaign, long? budget, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        var table = Table(session);
        var ids = CampaignBudgetSlice.IdsFor(campaign);
        if (budget is not { } total)
        {
            await ScalarAsync(session, $"delete from {table} where id = any($1)", ct, (object)ids);
            return;
        }
        var used = await UsedAsync(session, table, ids, ct);
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
