using Loyalty.Domain.Insight;
using Loyalty.Projections.Balances;
using Marten;
using NodaTime;
using Npgsql;

namespace Loyalty.Api.Insight;

/// <summary>
/// What the KPIs are computed from: every member's enrolment and closure, purchases and paid membership, read from
/// columns (and, for the few with a membership, their balance), in three queries.
/// </summary>
public static class KpiFacts
{
    public static async Task<IReadOnlyList<KpiMember>> MembersAsync(
        NpgsqlDataSource db,
        IQuerySession session,
        CancellationToken ct
    )
    {
        var purchases = await PurchasesAsync(db, ct);
        var memberships = (
            await session
                .Query<MemberBalance>()
                .Where(b => b.Membership != null)
                .Select(b => new { b.Id, b.Membership })
                .ToListAsync(ct)
        ).ToDictionary(b => b.Id, b => b.Membership);

        await using var command = db.CreateCommand(
            "select id, enrolled_at_unix_milliseconds, closed_at_unix_milliseconds from loyalty.mt_doc_memberview"
        );
        await using var reader = await command.ExecuteReaderAsync(ct);
        var members = new List<KpiMember>();
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            members.Add(
                new(
                    id,
                    Instant.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    reader.IsDBNull(2) ? null : Instant.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                    purchases.GetValueOrDefault(id) ?? [],
                    memberships.GetValueOrDefault(id)
                )
            );
        }
        return members;
    }

    private static async Task<Dictionary<Guid, List<KpiPurchase>>> PurchasesAsync(
        NpgsqlDataSource db,
        CancellationToken ct
    )
    {
        await using var command = db.CreateCommand(
            """
            select member_id, at_unix_milliseconds, paid from loyalty.mt_doc_purchaserecord
            order by member_id, at_unix_milliseconds
            """
        );
        await using var reader = await command.ExecuteReaderAsync(ct);
        var purchases = new Dictionary<Guid, List<KpiPurchase>>();
        while (await reader.ReadAsync(ct))
        {
            var member = reader.GetGuid(0);
            if (!purchases.TryGetValue(member, out var list))
                purchases[member] = list = [];
            list.Add(new(Instant.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetDecimal(2)));
        }
        return purchases;
    }
}
