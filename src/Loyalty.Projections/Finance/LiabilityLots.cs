using Loyalty.Projections.Balances;
using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Loyalty.Projections.Finance;

/// <summary>
/// Every member's open lots as narrow rows (<c>liability_lot</c>): the program's liability "now" is one aggregate
/// over them, where reading every balance document would take seconds. Kept by the balance projection in the
/// write's own batch (one statement, replacing the member's rows), and rewritten by its rebuild.
/// </summary>
public static class LiabilityLots
{
    public const string TableName = "liability_lot";

    public static Table Definition(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName));
        table.AddColumn<Guid>("member_id").NotNull();
        table.AddColumn("tier", "text");
        table.AddColumn("open", "integer").NotNull();
        table.AddColumn("held", "integer").NotNull();
        table.AddColumn("available_at", "bigint").NotNull();
        table.AddColumn("expires_at", "bigint");
        table.Indexes.Add(new IndexDefinition($"ix_{TableName}_member") { Columns = ["member_id"] });
        return table;
    }

    /// <summary>Replaces the member's rows by their open lots, in the write's batch.</summary>
    public static void Keep(IDocumentOperations operations, MemberBalance balance)
    {
        var schema = operations.DocumentStore.Options.DatabaseSchemaName;
        var lots = balance.Lots?.Items ?? [];
        operations.QueueSqlCommand(
            $"""
            with gone as (delete from {schema}.{TableName} where member_id = ?)
            insert into {schema}.{TableName} (member_id, tier, open, held, available_at, expires_at)
            select ?, ?, l.* from unnest(?::integer[], ?::integer[], ?::bigint[], ?::bigint[]) l
            """,
            balance.Id,
            balance.Id,
            (object?)balance.Standing?.Earned ?? DBNull.Value,
            lots.Select(l => l.Open).ToArray(),
            lots.Select(l => l.Held).ToArray(),
            lots.Select(l => l.AvailableAt.ToUnixTimeMilliseconds()).ToArray(),
            lots.Select(l => l.ExpiresAt?.ToUnixTimeMilliseconds()).ToArray()
        );
    }

    /// <summary>Writes the rows of many members at once, for a rebuild that emptied the table first.</summary>
    public static async Task CopyAsync(NpgsqlConnection connection, string schema, IEnumerable<MemberBalance> balances)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            $"copy {schema}.{TableName} (member_id, tier, open, held, available_at, expires_at) "
                + "from stdin (format binary)"
        );
        foreach (var balance in balances)
        foreach (var lot in balance.Lots?.Items ?? [])
            await copy.WriteRowAsync(
                default,
                balance.Id,
                balance.Standing?.Earned,
                lot.Open,
                lot.Held,
                lot.AvailableAt.ToUnixTimeMilliseconds(),
                lot.ExpiresAt?.ToUnixTimeMilliseconds()
            );
        await copy.CompleteAsync();
    }

    public static string Truncate(string schema) => $"truncate {schema}.{TableName}";
}
