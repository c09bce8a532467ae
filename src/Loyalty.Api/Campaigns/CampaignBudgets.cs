using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using Loyalty.Projections.Campaigns;
using Marten;
using Npgsql;

namespace Loyalty.Api.Campaigns;

/// <summary>
/// Keeps campaigns within their budgets under any number of writers. Every award and every return of campaign
/// points moves the campaign's <see cref="CampaignBudget.Used"/> in the write's own transaction; PostgreSQL's row
/// lock makes writers to one budget wait for each other, and a write that would take the budget past its end is
/// undone and decided again on what is left (a <see cref="WriteConflict"/>). Campaigns without a budget have no
/// budget document and cost nothing here.
/// </summary>
public static class CampaignBudgets
{
    /// <summary>Moves the budgets the events spend or give back; the campaigns' in code order, so no two writers
    /// wait for each other in a circle.</summary>
    public static async Task SpendAsync(
        IDocumentSession session,
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
            .Where(s => s.Points != 0)
            .GroupBy(s => s.Campaign, StringComparer.Ordinal)
            .Select(g => (Campaign: g.Key, Points: g.Sum(s => s.Points)))
            .OrderBy(s => s.Campaign, StringComparer.Ordinal)
            .ToList();
        if (spends.Count == 0)
            return;
        await session.BeginTransactionAsync(ct);
        var table = Table(session);
        await using var batch = new NpgsqlBatch(session.Connection);
        foreach (var (campaign, points) in spends)
            batch.BatchCommands.Add(
                new NpgsqlBatchCommand(
                    $"update {table} set data = jsonb_set(data, '{{Used}}', "
                        + "to_jsonb(greatest((data->>'Used')::bigint + $2, 0))) where id = $1 "
                        + "returning (data->>'Used')::bigint <= (data->>'Budget')::bigint or $2 < 0"
                )
                {
                    Parameters =
                    {
                        new() { Value = campaign },
                        new() { Value = points },
                    },
                }
            );
        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var (campaign, _) in spends)
        {
            if (await reader.ReadAsync(ct) && !reader.GetBoolean(0))
                throw new WriteConflict($"the budget of campaign {campaign} is spent");
            await reader.NextResultAsync(ct);
        }
    }

    /// <summary>
    /// Sets a campaign's budget with its change: a new document, or the new end of the budget when it is not
    /// below what was given already (checked under the row's lock). A campaign without a budget has none.
    /// </summary>
    public static async Task SetAsync(IDocumentSession session, string campaign, long? budget, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        var table = Table(session);
        await using var command = new NpgsqlCommand(
            budget is null
                ? $"delete from {table} where id = $1"
                : $"update {table} set data = jsonb_set(data, '{{Budget}}', to_jsonb($2::bigint)) where id = $1 "
                    + "returning (data->>'Used')::bigint <= $2",
            session.Connection
        )
        {
            Parameters =
            {
                new() { Value = campaign },
                new() { Value = budget ?? 0L },
            },
        };
        var within = await command.ExecuteScalarAsync(ct);
        if (budget is not null && within is null)
            session.Insert(new CampaignBudget(campaign, budget.Value, 0));
        else if (within is false)
            throw new Domain.Common.RuleBroken("budget", "is below the points the campaign has already given");
    }

    // Marten's table for the document: mt_doc_ and the type's name in lower case.
    private static string Table(IDocumentSession session) =>
        $"{session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_campaignbudget";
}
