using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Ledger;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Points;

public sealed record LedgerPage(Guid MemberId, IReadOnlyList<LedgerLine> Entries, string? NextCursor);

public static class ReadPointsEndpoints
{
    /// <summary>The member's balance, current the moment any write to it has answered.</summary>
    [Tags("Points")]
    [ProducesResponseType<BalanceResponse>(200)]
    [Refuses(404)]
    [WolverineGet("/members/{id}/balance", OperationId = "getBalance")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> Balance(Guid id, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<MemberBalance>(id, ct) is { } balance
            ? Results.Json(BalanceResponse.From(id, balance.Balance, balance.Version))
            : Problems.For(new NotFound("memberId", "no such member"));

    /// <summary>
    /// Every movement of the member's points, newest first, each with the balance after it. Pass the
    /// <c>nextCursor</c> of a page as <c>cursor</c> to read the page before it.
    /// </summary>
    [Tags("Points")]
    [ProducesResponseType<LedgerPage>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [WolverineGet("/members/{id}/ledger", OperationId = "getLedger")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> Ledger(Guid id, int? limit, string? cursor, IQuerySession session, CancellationToken ct)
    {
        var size = limit ?? 50;
        if (size is < 1 or > 500) throw new InvalidInput("limit", "must be between 1 and 500");
        long? before = null;
        if (cursor is not null)
            before = long.TryParse(cursor, out var v) && v > 0 ? v : throw new InvalidInput("cursor", "is not a cursor this endpoint gave");

        // The balance and the entries are committed together; reading entries up to the balance's version
        // gives one consistent picture even while new movements arrive.
        if (await session.LoadAsync<MemberBalance>(id, ct) is not { } balance) return Problems.For(new NotFound("memberId", "no such member"));
        var entries = session.Query<LedgerEntry>().Where(e => e.MemberId == id && e.Version <= balance.Version);
        var (available, deficit) = (balance.Balance.Available, balance.Balance.Deficit);
        if (before is { } cursorVersion)
        {
            var newer = entries.Where(e => e.Version >= cursorVersion);
            available -= await newer.SumAsync(e => e.Points, ct);
            deficit -= await newer.SumAsync(e => e.DeficitChange, ct);
            entries = entries.Where(e => e.Version < cursorVersion);
        }
        var page = await entries.OrderByDescending(e => e.Version).Take(size + 1).ToListAsync(ct);
        var next = page.Count > size ? page[size - 1].Version.ToString() : null;
        return Results.Json(new LedgerPage(id, MemberLedger.WithBalances(page.Take(size), available, deficit), next));
    }
}
