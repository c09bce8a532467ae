using Loyalty.Domain.Insight;
using NodaTime;
using Npgsql;

namespace Loyalty.Api.Insight;

/// <summary>What the insight job knows of an open member: when they joined and last bought, where they stand.</summary>
public sealed record MemberFacts(Guid Id, Instant EnrolledAt, Instant? LastPurchaseAt, string? Stage, string? Segment);

/// <summary>
/// Reads the few facts the insight job decides on from the balance's and the purchases' columns, every member in one
/// pass, without their documents.
/// </summary>
public static class InsightFacts
{
    public static async Task<IReadOnlyList<MemberFacts>> OpenMembersAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            """
            select id, enrolled_at_unix_milliseconds, last_purchase_unix_milliseconds, stage, segment
            from loyalty.mt_doc_memberbalance
            where enrolled_at_unix_milliseconds is not null and not closed
            """
        );
        await using var reader = await command.ExecuteReaderAsync(ct);
        var members = new List<MemberFacts>();
        while (await reader.ReadAsync(ct))
            members.Add(
                new(
                    reader.GetGuid(0),
                    Instant.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    reader.IsDBNull(2) ? null : Instant.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4)
                )
            );
        return members;
    }

    /// <summary>Each member's purchases (not returned in full) and net spend from <paramref name="from"/> on.</summary>
    public static async Task<IReadOnlyDictionary<Guid, (int Purchases, decimal Spend)>> BoughtSinceAsync(
        NpgsqlDataSource db,
        Instant from,
        CancellationToken ct
    )
    {
        await using var command = db.CreateCommand(
            """
            select member_id, count(*) filter (where paid > 0), sum(paid)
            from loyalty.mt_doc_purchaserecord
            where at_unix_milliseconds >= $1
            group by member_id
            """
        );
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from.ToUnixTimeMilliseconds() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var bought = new Dictionary<Guid, (int, decimal)>();
        while (await reader.ReadAsync(ct))
            bought[reader.GetGuid(0)] = ((int)reader.GetInt64(1), reader.GetDecimal(2));
        return bought;
    }

    /// <summary>The night's verdicts: scores for active members, <c>lost</c> for lapsed ones, none else.</summary>
    public static IReadOnlyDictionary<Guid, SegmentVerdict> Score(
        IReadOnlyList<MemberFacts> members,
        IReadOnlyDictionary<Guid, (int Purchases, decimal Spend)> bought,
        DateTimeZone zone,
        LocalDate today
    )
    {
        var active = members
            .Where(m => m.LastPurchaseAt is { } last && Rfm.IsActive(last.InZone(zone).Date, today))
            .Select(m =>
            {
                var (purchases, spend) = bought.GetValueOrDefault(m.Id);
                return new RfmFacts(m.Id, m.LastPurchaseAt!.Value.InZone(zone).Date, purchases, spend);
            })
            .ToList();
        var scores = Rfm.Score(active, today);
        return members.ToDictionary(
            m => m.Id,
            m =>
                scores.TryGetValue(m.Id, out var score) ? new SegmentVerdict(Segments.Of(score), score, today)
                : m.LastPurchaseAt is null ? new SegmentVerdict(null, null, today)
                : new SegmentVerdict(Segments.Lost, null, today)
        );
    }
}
