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
/// <see cref="CampaignBudgetSlice.Count"/> slices. An award is taken whole from one slice that has enough left, its
/// member's first, skipping slices another writer holds: writers for different members take from a budget at once
/// instead of queueing on one row for every commit. When the slices with enough are all busy, the write is decided
/// again a moment later (a <see cref="WriteConflict"/>, as when another writer changed the member); when no slice
/// has enough (an award larger than a slice, or the budget's end), it locks every slice in order and takes from
/// several, or, with too little left in all, is decided again on what is left. A return gives back to the slices
/// in order. Slices are locked one at a time without waiting, or all in order, and campaigns in code order, so no
/// two writers wait for each other in a circle.
/// </summary>
public static class CampaignBudgets
{
    /// <summary>The budget of a campaign whose budget was taken away: far more than it could ever give.</summary>
    public const long NoEnd = 1L << 50;

    private const string Take = """
        with slice as (
          select id from {0}
          where id = any($1) and (data->>'Budget')::bigint - (data->>'Used')::bigint >= $2
          order by id = $3 desc, id limit 1 for update skip locked)
        update {0} t set data = jsonb_set(t.data, '{{Used}}', to_jsonb((t.data->>'Used')::bigint + $2))
        from slice where t.id = slice.id
        returning 1
        """;

    private const string MostInOneSlice = """
        select max((data->>'Budget')::bigint - (data->>'Used')::bigint) from {0} where id = any($1)
        """;

    private const string GiveBack = """
        with slice as (
          select id, least((data->>'Used')::bigint, $2) as points from {0} where id = $1 for update)
        update {0} t set data = jsonb_set(t.data, '{{Used}}', to_jsonb((t.data->>'Used')::bigint - slice.points))
        from slice where t.id = slice.id
        returning slice.points
        """;

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
    /// Moves the budgets by what the events' awards charged to them, or give back to them; campaigns in code order.
    /// </summary>
    public static async Task SpendAsync(
        IDocumentSession session,
        Guid memberId,
        IReadOnlyList<IMemberEvent> events,
        CancellationToken ct
    )
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
                if (await ScalarAsync(session, string.Format(Take, table), ct, slices, points, home) is not null)
                    continue;
                // a free slice may have enough in a moment: decided again then; none ever will: take from several
                if (
                    await ScalarAsync(session, string.Format(MostInOneSlice, table), ct, slices) is long most
                    && most >= points
                )
                    throw new WriteConflict($"every slice of campaign {campaign}'s budget is taken at the moment");
                await TakeFromSeveralAsync(session, table, campaign, slices, points, ct);
                continue;
            }
            var left = -points;
            foreach (var slice in slices.TakeWhile(_ => left > 0))
                left -= await ScalarAsync(session, string.Format(GiveBack, table), ct, slice, left) as long? ?? 0;
        }
    }

    private static async Task TakeFromSeveralAsync(
        IDocumentSession session,
        string table,
        string campaign,
        string[] slices,
        long points,
        CancellationToken ct
    )
    {
        var left = await UsedAsync(session, table, slices, ct, "(data->>'Budget')::bigint - (data->>'Used')::bigint");
        if (left.Sum() < points)
            throw new WriteConflict($"the budget of campaign {campaign} has less than {points} points left");
        var update =
            $"update {table} set data = jsonb_set(data, '{{Used}}', to_jsonb((data->>'Used')::bigint + $2)) "
            + "where id = $1";
        for (var i = 0; i < slices.Length && points > 0; i++)
        {
            var take = Math.Min(left[i], points);
            if (take > 0)
                await ScalarAsync(session, update, ct, slices[i], take);
            points -= take;
        }
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

    /// <summary>Each slice's <paramref name="value"/> (what it has given, by default), locking them in order.</summary>
    private static async Task<List<long>> UsedAsync(
        IDocumentSession session,
        string table,
        string[] ids,
        CancellationToken ct,
        string value = "(data->>'Used')::bigint"
    )
    {
        await using var command = new NpgsqlCommand(
            $"select {value} from {table} where id = any($1) order by id for update",
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
