using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Insight;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Members;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using Wolverine.Http;

namespace Loyalty.Api.Insight;

/// <summary>A member in a list by stage, segment or tier.</summary>
public sealed record MemberListItem(
    Guid Id,
    string ExternalId,
    string? Stage,
    string? Segment,
    string? EarnedTier,
    Instant? LastPurchaseAt
);

public sealed record MemberListPage(IReadOnlyList<MemberListItem> Members, string? NextCursor);

public sealed record SegmentCount(string Segment, int Members);

public sealed record StageCount(string Stage, int Members);

/// <summary>
/// How many open members are in each segment (<c>unsegmented</c>: never bought) and each stage (<c>unreviewed</c>:
/// not yet seen by the insight job), as the job last recorded them; <c>scoredOn</c> is the last night scored.
/// </summary>
public sealed record SegmentCounts(
    LocalDate? ScoredOn,
    int Members,
    IReadOnlyList<SegmentCount> Segments,
    IReadOnlyList<StageCount> Stages
);

public static class InsightEndpoints
{
    /// <summary>
    /// What the member bought and when, their points, their lifecycle stage today and last night's RFM segment.
    /// </summary>
    [Tags("Insight")]
    [ProducesResponseType<MemberInsight>(200)]
    [Refuses(404)]
    [WolverineGet("/members/{id}/insight", OperationId = "getMemberInsight")]
    [Authorize(Policy = Permissions.InsightRead)]
    public static async Task<IResult> Get(
        Guid id,
        IQuerySession session,
        LoyaltyDatabase database,
        ProgramSettingsCache programSettings,
        EventStreams streams,
        CancellationToken ct
    )
    {
        var batch = session.CreateBatchQuery();
        var balanceRead = batch.Load<MemberBalance>(id);
        var scoresRead = batch.Load<MemberScores>(id);
        await batch.Execute(ct);
        if (await balanceRead is not { Enrolled: true } balance)
            return Problems.For(new NotFound("memberId", "no such member"));
        var now = streams.Now;
        var program = await programSettings.CurrentAsync(ct);
        var zone = DateTimeZoneProviders.Tzdb[program.TimeZone];
        var yearAgo = now.InZone(zone).Date.PlusDays(-Rfm.WindowDays + 1).AtStartOfDayInZone(zone).ToInstant();
        var purchases = await PurchasesAsync(database.DataSource, id, yearAgo, ct);
        var scores = await scoresRead is { } s ? new SegmentVerdict(s.Segment, s.Scores, s.ScoredOn) : null;
        var points = PointsTotals.Of(balance.Flow ?? Domain.Finance.PointsFlow.None);
        return Results.Json(MemberInsight.Of(balance.ToAccount(), points, purchases, scores, program, now));
    }

    /// <summary>
    /// Open members by lifecycle <c>stage</c>, RFM <c>segment</c> and earned <c>tier</c> (each optional), as the
    /// insight job last recorded them, in pages of <c>limit</c> (default 50, at most 500) ordered by id;
    /// <c>cursor</c> is the previous page's <c>nextCursor</c>.
    /// </summary>
    [Tags("Insight")]
    [ProducesResponseType<MemberListPage>(200)]
    [Refuses(400)]
    [WolverineGet("/insight/members", OperationId = "listMembersBySegment")]
    [Authorize(Policy = Permissions.InsightRead)]
    public static async Task<MemberListPage> List(
        string? segment,
        string? stage,
        string? tier,
        int? limit,
        string? cursor,
        IQuerySession session,
        LoyaltyDatabase database,
        CancellationToken ct
    )
    {
        if (segment is not null && !Segments.All.Contains(segment))
            throw new InvalidInput("segment", $"must be one of {string.Join(", ", Segments.All)}");
        if (stage is not null && !LifecycleStage.All.Contains(stage))
            throw new InvalidInput("stage", $"must be one of {string.Join(", ", LifecycleStage.All)}");
        if (tier is { Length: > 50 })
            throw new InvalidInput("tier", "at most 50 characters");
        var after =
            cursor is null ? Guid.Empty
            : Guid.TryParse(cursor, out var id) ? id
            : throw new InvalidInput("cursor", "is not a cursor from a previous page");
        var size = QueryValues.PageSize(limit);

        await using var command = database.DataSource.CreateCommand(
            """
            select id, stage, segment, earned_tier, last_purchase_unix_milliseconds
            from loyalty.mt_doc_memberbalance
            where enrolled_at_unix_milliseconds is not null and not closed and id > $1
              and ($2::text is null or segment = $2) and ($3::text is null or stage = $3)
              and ($4::text is null or earned_tier = $4)
            order by id
            limit $5
            """
        );
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = segment });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = stage });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = tier });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = size + 1 });
        var rows = new List<(Guid Id, string? Stage, string? Segment, string? Tier, Instant? Last)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add(
                    (
                        reader.GetGuid(0),
                        reader.IsDBNull(1) ? null : reader.GetString(1),
                        reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.IsDBNull(4) ? null : Instant.FromUnixTimeMilliseconds(reader.GetInt64(4))
                    )
                );
        var page = rows.Take(size).ToList();
        var views = (await session.LoadManyAsync<MemberView>(ct, page.Select(r => r.Id))).ToDictionary(v => v.Id);
        var members = page.Select(r => new MemberListItem(
                r.Id,
                views.TryGetValue(r.Id, out var v) ? v.ExternalId : "",
                r.Stage,
                r.Segment,
                r.Tier,
                r.Last
            ))
            .ToList();
        return new MemberListPage(members, rows.Count > size ? page[^1].Id.ToString() : null);
    }

    /// <summary>How many open members are in each segment and each lifecycle stage.</summary>
    [Tags("Insight")]
    [WolverineGet("/insight/segments", OperationId = "countMembersBySegment")]
    [Authorize(Policy = Permissions.InsightRead)]
    public static async Task<SegmentCounts> Counts(
        IQuerySession session,
        LoyaltyDatabase database,
        CancellationToken ct
    )
    {
        await using var command = database.DataSource.CreateCommand(
            """
            select coalesce(segment, 'unsegmented'), coalesce(stage, 'unreviewed'), count(*)
            from loyalty.mt_doc_memberbalance
            where enrolled_at_unix_milliseconds is not null and not closed
            group by 1, 2
            """
        );
        var counts = new List<(string Segment, string Stage, int Members)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                counts.Add((reader.GetString(0), reader.GetString(1), (int)reader.GetInt64(2)));
        var lastNight = await session.Query<ScoringNight>().OrderByDescending(n => n.Id).FirstOrDefaultAsync(ct);
        return new SegmentCounts(
            lastNight is null ? null : LocalDatePattern.Iso.Parse(lastNight.Id).Value,
            counts.Sum(c => c.Members),
            [
                .. Segments
                    .All.Append("unsegmented")
                    .Select(s => new SegmentCount(s, counts.Where(c => c.Segment == s).Sum(c => c.Members))),
            ],
            [
                .. LifecycleStage
                    .All.Append("unreviewed")
                    .Select(s => new StageCount(s, counts.Where(c => c.Stage == s).Sum(c => c.Members))),
            ]
        );
    }

    private static async Task<PurchaseTotals> PurchasesAsync(
        NpgsqlDataSource db,
        Guid member,
        Instant yearAgo,
        CancellationToken ct
    )
    {
        await using var command = db.CreateCommand(
            """
            select count(*) filter (where paid > 0), coalesce(sum(paid), 0),
                   min(at_unix_milliseconds), max(at_unix_milliseconds),
                   count(*) filter (where paid > 0 and at_unix_milliseconds >= $2),
                   coalesce(sum(paid) filter (where at_unix_milliseconds >= $2), 0)
            from loyalty.mt_doc_purchaserecord
            where member_id = $1
            """
        );
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = member });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = yearAgo.ToUnixTimeMilliseconds() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new(
            (int)reader.GetInt64(0),
            reader.GetDecimal(1),
            reader.IsDBNull(2) ? null : Instant.FromUnixTimeMilliseconds(reader.GetInt64(2)),
            reader.IsDBNull(3) ? null : Instant.FromUnixTimeMilliseconds(reader.GetInt64(3)),
            (int)reader.GetInt64(4),
            reader.GetDecimal(5)
        );
    }
}
