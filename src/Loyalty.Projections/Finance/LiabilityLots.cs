using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Referrals;
using Loyalty.Projections.Balances;
using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Loyalty.Projections.Finance;

/// <summary>
/// Every member's open lots as narrow rows (<c>liability_lot</c>): the program's liability "now" is one aggregate
/// over them, where reading every balance document would take seconds. Kept by the balance projection in the
/// write's own batch (one statement: lots that closed are deleted, lots that changed are updated, the others are
/// left alone), and rewritten by its rebuild.
/// </summary>
public static class LiabilityLots
{
    public const string TableName = "liability_lot";

    public static Table Definition(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("member_id").NotNull();
        table.AddColumn("lot_id", "text").NotNull();
        table.AddColumn("tier", "text");
        table.AddColumn("open", "integer").NotNull();
        table.AddColumn("held", "integer").NotNull();
        table.AddColumn("available_at", "bigint").NotNull();
        table.AddColumn("expires_at", "bigint");
        var lot = new IndexDefinition($"ux_{TableName}") { Columns = ["member_id", "lot_id"], IsUnique = true };
        table.Indexes.Add(lot);
        return table;
    }

    /// <summary>
    /// Whether an event never changes a member's lots or earned tier: a write of only these (an enrollment, a profile,
    /// an engagement) leaves the rows as they are and costs no statement.
    /// </summary>
    public static bool LeavesRowsAlone(object @event) =>
        @event
            is MemberEnrolled
                or MemberProfileUpdated
                or MemberClosed
                or ReferralCodeAssigned
                or EngagementRecorded
                or MemberStageChanged
                or MemberSegmentChanged;

    /// <summary>Makes the member's rows their open lots, in the write's batch.</summary>
    public static void Keep(IDocumentOperations operations, MemberBalance balance)
    {
        var schema = operations.DocumentStore.Options.DatabaseSchemaName;
        var lots = balance.Lots?.Items ?? [];
        var ids = RowKeys(lots);
        operations.QueueSqlCommand(
            $"""
            with closed as (delete from {schema}.{TableName} t where member_id = ? and not (lot_id = any(?)))
            insert into {schema}.{TableName} as t (member_id, lot_id, tier, open, held, available_at, expires_at)
            select ?, l.lot_id, ?, l.open, l.held, l.available_at, l.expires_at
            from unnest(?::text[], ?::integer[], ?::integer[], ?::bigint[], ?::bigint[])
              as l(lot_id, open, held, available_at, expires_at)
            on conflict (member_id, lot_id) do update set tier = excluded.tier, open = excluded.open,
              held = excluded.held, available_at = excluded.available_at, expires_at = excluded.expires_at
            where (t.tier, t.open, t.held, t.available_at, t.expires_at) is distinct from
              (excluded.tier, excluded.open, excluded.held, excluded.available_at, excluded.expires_at)
            """,
            balance.Id,
            ids,
            balance.Id,
            (object?)balance.Standing?.Earned ?? DBNull.Value,
            ids,
            lots.Select(l => l.Open).ToArray(),
            lots.Select(l => l.Held).ToArray(),
            lots.Select(l => l.AvailableAt.ToUnixTimeMilliseconds()).ToArray(),
            lots.Select(l => l.ExpiresAt?.ToUnixTimeMilliseconds()).ToArray()
        );
    }

    /// <summary>
    /// Writes the rows of many members at once, for a rebuild that emptied the table first: copied into a staging
    /// table, then upserted, so that a write that kept a member's rows meanwhile does not stop the rebuild.
    /// </summary>
    public static async Task CopyAsync(NpgsqlConnection connection, string schema, IEnumerable<MemberBalance> balances)
    {
        const string columns = "member_id, lot_id, tier, open, held, available_at, expires_at";
        await using (var staging = connection.CreateCommand())
        {
            staging.CommandText =
                $"create temp table if not exists {TableName}_staging (like {schema}.{TableName}); "
                + $"truncate {TableName}_staging";
            await staging.ExecuteNonQueryAsync();
        }
        await using (
            var copy = await connection.BeginBinaryImportAsync(
                $"copy {TableName}_staging ({columns}) from stdin (format binary)"
            )
        )
        {
            foreach (var balance in balances)
            foreach (var (lot, key) in (balance.Lots?.Items ?? []).Zip(RowKeys(balance.Lots?.Items ?? [])))
                await copy.WriteRowAsync(
                    default,
                    balance.Id,
                    key,
                    balance.Standing?.Earned,
                    lot.Open,
                    lot.Held,
                    lot.AvailableAt.ToUnixTimeMilliseconds(),
                    lot.ExpiresAt?.ToUnixTimeMilliseconds()
                );
            await copy.CompleteAsync();
        }
        await using var upsert = connection.CreateCommand();
        upsert.CommandText =
            $"insert into {schema}.{TableName} ({columns}) select {columns} from {TableName}_staging "
            + "on conflict (member_id, lot_id) do update set tier = excluded.tier, open = excluded.open, "
            + "held = excluded.held, available_at = excluded.available_at, expires_at = excluded.expires_at";
        await upsert.ExecuteNonQueryAsync();
    }

    /// <summary>Each lot's id, made unique among the member's rows should two lots ever share one.</summary>
    private static string[] RowKeys(IReadOnlyList<Lot> lots)
    {
        var seen = new Dictionary<string, int>();
        return
        [
            .. lots.Select(l =>
                (seen[l.LotId] = seen.GetValueOrDefault(l.LotId) + 1) is var n && n == 1 ? l.LotId : $"{l.LotId}#{n}"
            ),
        ];
    }

    public static string Truncate(string schema) => $"truncate {schema}.{TableName}";
}
