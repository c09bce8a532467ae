using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Referrals;
using Loyalty.Projections.Referrals;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace Loyalty.Api.Referrals;

public sealed record ReferralPage(IReadOnlyList<ReferralResponse> Referrals, string? NextCursor);

/// <summary>Referrals month by month in the program's zone, and the top referrers of the period.</summary>
/// <param name="From">The first month, <c>yyyy-MM</c>.</param>
/// <param name="To">The last month, included.</param>
public sealed record ReferralReportResponse(
    string From,
    string To,
    string TimeZone,
    IReadOnlyList<ReferralMonth> Months,
    IReadOnlyList<TopReferrer> TopReferrers
);

public static class ReadReferralsEndpoints
{
    public const int MaxMonths = 36;

    /// <summary>
    /// Referrals, newest first. Filter by <c>status</c> (<c>referred</c>, <c>qualified</c>, <c>rewarded</c>,
    /// <c>failed</c>, <c>rejected</c>, <c>clawed-back</c>, or <c>held</c> for those waiting for review), by
    /// <c>referrer</c> (a member id) and by when they were made (<c>from</c> inclusive, <c>to</c> exclusive, ISO
    /// instants). Pages of <c>limit</c> (default 50, at most 500); <c>cursor</c> is the previous page's
    /// <c>nextCursor</c>.
    /// </summary>
    [Tags("Referrals")]
    [ProducesResponseType<ReferralPage>(200)]
    [Refuses(400)]
    [WolverineGet("/program/referrals", OperationId = "listReferrals")]
    [Authorize(Policy = Permissions.ReferralsRead)]
    public static async Task<ReferralPage> List(
        string? status,
        Guid? referrer,
        string? from,
        string? to,
        int? limit,
        string? cursor,
        IQuerySession session,
        CancellationToken ct
    )
    {
        var size = QueryValues.PageSize(limit);
        var query = session.Query<ReferralView>().AsQueryable();
        query = status switch
        {
            null => query,
            "held" => query.Where(v => v.Held && (v.Status == Referral.Referred || v.Status == Referral.Qualified)),
            Referral.Referred
            or Referral.Qualified
            or Referral.Rewarded
            or Referral.Failed
            or Referral.Rejected
            or Referral.ClawedBack => query.Where(v => v.Status == status),
            _ => throw new InvalidInput("status", "is not a referral status"),
        };
        if (referrer is { } id)
            query = query.Where(v => v.ReferrerId == id);
        if (QueryValues.Instant(from, "from")?.ToUnixTimeMilliseconds() is { } start)
            query = query.Where(v => v.MadeAtUnixMilliseconds >= start);
        if (QueryValues.Instant(to, "to")?.ToUnixTimeMilliseconds() is { } end)
            query = query.Where(v => v.MadeAtUnixMilliseconds < end);
        if (cursor is not null)
        {
            var (made, tiebreak) = CursorOf(cursor);
            query = query.Where(v =>
                v.MadeAtUnixMilliseconds < made || v.MadeAtUnixMilliseconds == made && v.Tiebreak < tiebreak
            );
        }
        var page = await query
            .OrderByDescending(v => v.MadeAtUnixMilliseconds)
            .ThenByDescending(v => v.Tiebreak)
            .Take(size + 1)
            .ToListAsync(ct);
        var next = page.Count > size ? page[size - 1].Cursor : null;
        return new ReferralPage([.. page.Take(size).Select(ReferralResponse.From)], next);
    }

    /// <summary>
    /// Per local month of the program's zone, <c>from</c> to <c>to</c> (<c>yyyy-MM</c>, at most 36 months; the
    /// last 12 by default): referrals made, held, qualified, rewarded, failed, rejected and clawed back, with the
    /// points granted and clawed back; and the 10 top referrers of the period.
    /// </summary>
    [Tags("Referrals")]
    [ProducesResponseType<ReferralReportResponse>(200)]
    [Refuses(400)]
    [WolverineGet("/program/referrals/report", OperationId = "reportReferrals")]
    [Authorize(Policy = Permissions.ReferralsRead)]
    public static async Task<ReferralReportResponse> Report(
        string? from,
        string? to,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        IClock clock,
        CancellationToken ct
    )
    {
        var program = await programSettings.CurrentAsync(ct);
        var zone = program.Zone();
        var last = MonthOf(to, "to") ?? clock.GetCurrentInstant().InZone(zone).Date.ToYearMonth();
        var first = MonthOf(from, "from") ?? last.PlusMonths(-11);
        if (first > last)
            throw new InvalidInput("from", "is after to");
        if (first.PlusMonths(MaxMonths) <= last)
            throw new InvalidInput("to", $"is more than {MaxMonths} months after from");
        var start = first.OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant();
        var end = last.PlusMonths(1).OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant();
        // Referrals made before the period's end: any of their steps may fall in it.
        var referrals = await session
            .Query<ReferralView>()
            .Where(v => v.MadeAtUnixMilliseconds < end.ToUnixTimeMilliseconds())
            .ToListAsync(ct);
        return new ReferralReportResponse(
            Month(first),
            Month(last),
            zone.Id,
            ReferralReport.Monthly(referrals, first, last, zone),
            ReferralReport.Top(referrals, start, end, 10)
        );
    }

    private static (long Made, long Tiebreak) CursorOf(string cursor) =>
        cursor.Split('.') is [var made, var tiebreak]
        && long.TryParse(made, out var m)
        && long.TryParse(tiebreak, out var t)
            ? (m, t)
            : throw new InvalidInput("cursor", "is not a cursor this endpoint gave");

    private static string Month(YearMonth month) => month.ToString("yyyy-MM", null);

    private static YearMonth? MonthOf(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var parsed = YearMonthPattern.Iso.Parse(value);
        return parsed.Success ? parsed.Value : throw new InvalidInput(field, "is not a month, e.g. 2026-11");
    }
}
