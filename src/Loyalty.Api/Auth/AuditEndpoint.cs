using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Projections.Audit;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace Loyalty.Api.Auth;

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, string? NextCursor);

public static class AuditEndpoint
{
    /// <summary>
    /// Admin actions and manual adjustments, newest first. Filter by <c>actor</c> (key id, staff subject or
    /// member), <c>kind</c> (e.g. <c>api-key-issued</c>, <c>program-settings-changed</c>, <c>points-adjusted</c>)
    /// and time (<c>from</c> inclusive, <c>to</c> exclusive, ISO instants).
    /// </summary>
    [WolverineGet("/audit", OperationId = "readAudit")]
    [Authorize(Policy = Permissions.AuditRead)]
    [Tags("Access")]
    [ProducesResponseType<AuditPage>(200)]
    [Refuses(400)]
    public static async Task<AuditPage> Get(
        string? actor,
        string? kind,
        string? from,
        string? to,
        int? limit,
        string? cursor,
        IQuerySession session,
        CancellationToken ct
    )
    {
        var size = QueryValues.PageSize(limit);
        var query = session.Query<AuditEntry>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(actor))
            query = query.Where(e => e.By.Id == actor);
        if (!string.IsNullOrWhiteSpace(kind))
            query = query.Where(e => e.Kind == kind);
        if (QueryValues.Instant(from, "from")?.ToUnixTimeMilliseconds() is { } start)
            query = query.Where(e => e.AtUnixMilliseconds >= start);
        if (QueryValues.Instant(to, "to")?.ToUnixTimeMilliseconds() is { } end)
            query = query.Where(e => e.AtUnixMilliseconds < end);
        if (QueryValues.Cursor(cursor) is { } before)
            query = query.Where(e => e.Sequence < before);
        var page = await query.OrderByDescending(e => e.Sequence).Take(size + 1).ToListAsync(ct);
        return new AuditPage(page.Take(size).ToList(), page.Count > size ? page[size - 1].Sequence.ToString() : null);
    }
}
