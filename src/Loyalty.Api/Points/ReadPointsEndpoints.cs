using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Api.Tiers;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Balances;
using Loyalty.Projections.Ledger;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Points;

public sealed record LedgerPage(Guid MemberId, IReadOnlyList<LedgerLine> Entries, string? NextCursor);

/// <summary>
/// One open lot: what is left of it, its state now, and its dates (<c>lastDay</c> in the program's zone).
/// </summary>
public sealed record LotView(
    string LotId,
    LotSource Source,
    int Points,
    int Open,
    int Held,
    string State,
    Instant EarnedAt,
    Instant AvailableAt,
    Instant? ExpiresAt,
    LocalDate? LastDay
);

public sealed record LotsResponse(Guid MemberId, Instant AsAt, IReadOnlyList<LotView> Lots, long Version);

/// <summary>
/// What paying <c>amount</c> with points takes: <c>pointsNeeded</c> (rounded up to a whole point), how many of them the
/// member's available points cover, and the money those cover (rounded down to the cent).
/// </summary>
public sealed record PayWithPointsQuote(
    Guid MemberId,
    decimal Amount,
    string Currency,
    long PointsNeeded,
    long Available,
    long PointsCovering,
    decimal AmountCovered,
    bool CoversAll,
    PointValue PointValue
);

public static class ReadPointsEndpoints
{
    /// <summary>
    /// The member's balance now: available, pending (and when it becomes available), held, what expires within
    /// <c>expiringWithinDays</c> (default 30) and the next expiry. Current the moment any write to it has answered.
    /// With <c>asOf</c> (an instant, or a date: the end of that day in the program's zone), the balance as it stood
    /// then, from the events known by then: a purchase reported later is not in it.
    /// </summary>
    [Tags("Points")]
    [ProducesResponseType<BalanceResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [WolverineGet("/members/{id}/balance", OperationId = "getBalance")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> Balance(
        Guid id,
        int? expiringWithinDays,
        string? asOf,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        IClock clock,
        CancellationToken ct
    )
    {
        var days = expiringWithinDays ?? BalanceResponse.DefaultExpiringWithinDays;
        if (days is < 1 or > 3660)
            throw new InvalidInput("expiringWithinDays", "must be between 1 and 3660");
        var program = await programSettings.CurrentAsync(ct);
        return await AccountAsync(id, asOf, session, program, clock, ct) is var (account, version, at)
            ? Results.Json(BalanceResponse.From(account, version, at, program, days))
            : Problems.For(new NotFound("memberId", "no such member"));
    }

    /// <summary>
    /// The member's account now (their balance document), or as of a past moment (their stream's events known by
    /// then, folded); with the stream version it reflects and the moment it is read at. Null: no member then.
    /// </summary>
    private static async Task<(PointsAccount Account, long Version, Instant At)?> AccountAsync(
        Guid id,
        string? asOf,
        IQuerySession session,
        ProgramSettings program,
        IClock clock,
        CancellationToken ct
    )
    {
        var now = clock.GetCurrentInstant();
        if (asOf is null)
            return await session.LoadAsync<MemberBalance>(id, ct) is { } balance
                ? (balance.ToAccount(), balance.Version, now)
                : null;
        var at = AsOf.Parse(asOf, program, now);
        var known = (await session.Events.FetchStreamAsync(id, token: ct))
            .Where(e => e.Data is IMemberEvent m && MemberHistory.KnownAt(m) <= at)
            .ToList();
        if (known.Count == 0)
            return null;
        var account = known
            .Select(e => (IMemberEvent)e.Data)
            .Aggregate(PointsAccount.Initial(id), PointsAccount.Evolve);
        return (account, known[^1].Version, at);
    }

    /// <summary>
    /// The member's open lots, soonest expiring first, for support and finance; with <c>asOf</c>, as they stood then.
    /// </summary>
    [Tags("Points")]
    [ProducesResponseType<LotsResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [WolverineGet("/members/{id}/lots", OperationId = "getLots")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> Lots(
        Guid id,
        string? asOf,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        IClock clock,
        CancellationToken ct
    )
    {
        var program = await programSettings.CurrentAsync(ct);
        if (await AccountAsync(id, asOf, session, program, clock, ct) is not var (account, version, now))
            return Problems.For(new NotFound("memberId", "no such member"));
        var zone = program.Zone();
        var lots = account
            .Lots.Items.OrderBy(l => l.ExpiresAt ?? Instant.MaxValue)
            .ThenBy(l => l.EarnedAt)
            .ThenBy(l => l.LotId, StringComparer.Ordinal)
            .Select(l => new LotView(
                l.LotId,
                l.Source(),
                l.Points,
                l.Open,
                l.Held,
                l.IsExpiredAt(now) ? "expired"
                    : l.IsPendingAt(now) ? "pending"
                    : "available",
                l.EarnedAt,
                l.AvailableAt,
                l.ExpiresAt,
                l.ExpiresAt is { } at ? BalanceResponse.LastDay(at, zone) : null
            ))
            .ToList();
        return Results.Json(new LotsResponse(id, now, lots, version));
    }

    /// <summary>
    /// Quotes paying an amount of the program's currency with the member's points. Another currency: 422.
    /// </summary>
    [Tags("Points")]
    [ProducesResponseType<PayWithPointsQuote>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(422)]
    [WolverineGet("/members/{id}/pay-with-points", OperationId = "quotePayWithPoints")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> PayWithPoints(
        Guid id,
        decimal? amount,
        string? currency,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        IClock clock,
        CancellationToken ct
    )
    {
        var program = await programSettings.CurrentAsync(ct);
        if (amount is null)
            throw new InvalidInput("amount", "is required");
        var (needed, money) = PointsOrMoney.Parse(null, amount, currency).In(program);
        if (await session.LoadAsync<MemberBalance>(id, ct) is not { } balance)
            return Problems.For(new NotFound("memberId", "no such member"));
        var available = balance.ToAccount().AvailableAt(clock.GetCurrentInstant());
        var covering = Math.Min(needed, available);
        return Results.Json(
            new PayWithPointsQuote(
                id,
                money!.Amount,
                money.Currency,
                needed,
                available,
                covering,
                covering == needed ? money.Amount : program.PointValue!.ValueOf(covering),
                covering == needed,
                program.PointValue!
            )
        );
    }

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
    public static async Task<IResult> Ledger(
        Guid id,
        int? limit,
        string? cursor,
        IQuerySession session,
        CancellationToken ct
    )
    {
        var size = limit ?? 50;
        if (size is < 1 or > 500)
            throw new InvalidInput("limit", "must be between 1 and 500");
        long? before = null;
        if (cursor is not null)
            before =
                long.TryParse(cursor, out var v) && v > 0
                    ? v
                    : throw new InvalidInput("cursor", "is not a cursor this endpoint gave");

        // The balance and the entries are committed together; reading entries up to the balance's version
        // gives one consistent picture even while new movements arrive.
        if (await session.LoadAsync<MemberBalance>(id, ct) is not { } balance)
            return Problems.For(new NotFound("memberId", "no such member"));
        var entries = session.Query<LedgerEntry>().Where(e => e.MemberId == id && e.Version <= balance.Version);
        var after = balance.Balance;
        if (before is { } cursorVersion)
        {
            var newer = entries.Where(e => e.Version >= cursorVersion);
            after = after with
            {
                Outstanding = after.Outstanding - await newer.SumAsync(e => e.Points, ct),
                Deficit = after.Deficit - await newer.SumAsync(e => e.DeficitChange, ct),
                Held = after.Held - await newer.SumAsync(e => e.HeldChange, ct),
            };
            entries = entries.Where(e => e.Version < cursorVersion);
        }
        var page = await entries.OrderByDescending(e => e.Version).Take(size + 1).ToListAsync(ct);
        var next = page.Count > size ? page[size - 1].Version.ToString() : null;
        return Results.Json(new LedgerPage(id, MemberLedger.WithBalances(page.Take(size), after), next));
    }
}
