using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Api.Tiers;
using Loyalty.Domain.Access;
using Loyalty.Domain.Finance;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Finance;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Npgsql;
using Wolverine.Http;

namespace Loyalty.Api.Finance;

/// <summary>
/// The liability and the accounting estimate made from it. <see cref="ComputedFrom"/>: <c>lots</c> (now, from
/// every member's current open lots) or <c>events</c> (a past instant, every member's events known by then).
/// </summary>
public sealed record LiabilityResponse(Liability Liability, BreakageEstimate Estimate, string ComputedFrom);

public static class LiabilityEndpoint
{
    /// <summary>
    /// The program's points liability at <c>asOf</c> (default now; an instant, or a date: the end of that day in
    /// the program's zone): outstanding points split into available, pending, held and past expiry, in points and
    /// at the point value in force then; by the local month they would expire in and by the tier members earned;
    /// and the deferred revenue estimate with its inputs. Now is read from the members' current lots; a past
    /// instant replays every member's events, which takes seconds at a large program.
    /// </summary>
    [Tags("Finance")]
    [ProducesResponseType<LiabilityResponse>(200)]
    [Refuses(400)]
    [WolverineGet("/finance/liability", OperationId = "getLiability")]
    [Authorize(Policy = Permissions.FinanceRead)]
    public static async Task<LiabilityResponse> Get(
        string? asOf,
        IQuerySession session,
        LoyaltyDatabase database,
        IClock clock,
        CancellationToken ct
    )
    {
        var history = await ProgramHistory.LoadAsync(session, ct);
        var now = clock.GetCurrentInstant();
        var at = asOf is null ? now : AsOf.Parse(asOf, ProgramSettings.AsOf(history, now), now);
        var program = ProgramSettings.AsOf(history, at);
        var zone = ProgramSettings.AsOf(history, Instant.MaxValue).Zone();
        var (parts, from) = asOf is null
            ? (await FromLotsAsync(database.DataSource, session, at, zone, ct), "lots")
            : (await FromEventsAsync(session, at, zone, ct), "events");
        var liability = Liability.Of(parts, at, program, zone);
        var estimate = await EstimateAsync(session, at, liability.Total.Outstanding.Points, program, ct);
        return new LiabilityResponse(liability, estimate, from);
    }

    /// <summary>One aggregate over the lot rows the balance projection keeps, by tier and month of expiry.</summary>
    private static async Task<IReadOnlyList<LiabilityPart>> FromLotsAsync(
        NpgsqlDataSource dataSource,
        IQuerySession session,
        Instant at,
        DateTimeZone zone,
        CancellationToken ct
    )
    {
        var first = Liability.FirstMonth(at, zone);
        var months = Enumerable.Range(0, Liability.MonthsNamed + 1).Select(first.PlusMonths).ToList();
        var bounds = months.Select(m => zone.AtStartOfDay(m.OnDayOfMonth(1)).ToInstant().ToUnixTimeMilliseconds());
        var schema = session.DocumentStore.Options.DatabaseSchemaName;
        await using var query = dataSource.CreateCommand(
            $"""
            select tier, case when expires_at is null then -1 else width_bucket(expires_at, $2) end,
              sum(open), sum(held),
              coalesce(sum(open - held) filter (where available_at > $1 and not_expired), 0),
              coalesce(sum(open - held) filter (where not not_expired), 0),
              coalesce(sum(open) filter (where not_expired), 0)
            from (select *, coalesce(expires_at > $1, true) not_expired from {schema}.{LiabilityLots.TableName}) l
            group by 1, 2
            """
        );
        query.Parameters.Add(new NpgsqlParameter { Value = at.ToUnixTimeMilliseconds() });
        query.Parameters.Add(new NpgsqlParameter { Value = bounds.ToArray() });
        var parts = new List<LiabilityPart>();
        await using var rows = await query.ExecuteReaderAsync(ct);
        while (await rows.ReadAsync(ct))
        {
            var bucket = rows.GetInt32(1);
            var month =
                bucket < 0 ? Liability.Never
                : bucket == 0 ? "before"
                : bucket > Liability.MonthsNamed ? Liability.Later
                : Liability.Name(months[bucket - 1]);
            var (outstanding, held, pending, pastExpiry, notYetExpired) = (
                rows.GetInt64(2),
                rows.GetInt64(3),
                rows.GetInt64(4),
                rows.GetInt64(5),
                rows.GetInt64(6)
            );
            var available = outstanding - held - pending - pastExpiry;
            var points = new LiabilityPoints(outstanding, available, pending, held, pastExpiry, notYetExpired);
            parts.Add(new LiabilityPart(rows.IsDBNull(0) ? null : rows.GetString(0), month, points));
        }
        return parts;
    }

    /// <summary>Every member's events known by <paramref name="at"/>, one member at a time, in stream order.</summary>
    private static async Task<IReadOnlyList<LiabilityPart>> FromEventsAsync(
        IQuerySession session,
        Instant at,
        DateTimeZone zone,
        CancellationToken ct
    )
    {
        var parts = new Dictionary<(string?, string), LiabilityPoints>();
        PointsAccount? account = null;
        var events = session
            .Events.QueryAllRawEvents()
            .OrderBy(e => e.StreamId)
            .ThenBy(e => e.Version)
            .ToAsyncEnumerable(ct);
        await foreach (var e in events)
        {
            if (e.Data is not IMemberEvent @event || MemberHistory.KnownAt(@event) > at)
                continue;
            if (account?.MemberId != e.StreamId)
            {
                Count(account);
                account = PointsAccount.Initial(e.StreamId);
            }
            account = PointsAccount.Evolve(account, @event);
        }
        Count(account);
        return [.. parts.Select(p => new LiabilityPart(p.Key.Item1, p.Key.Item2, p.Value))];

        void Count(PointsAccount? member)
        {
            if (member is null)
                return;
            foreach (var part in Liability.PartsOf(member.Standing?.Earned, member.Lots, at, zone))
                parts[(part.Tier, part.ExpiryMonth)] = parts
                    .GetValueOrDefault((part.Tier, part.ExpiryMonth), LiabilityPoints.None)
                    .Plus(part.Points);
        }
    }

    /// <summary>
    /// The trailing window's redemptions and expiries, from the roll-forward's quarters: those beginning within the
    /// window, the one <paramref name="at"/> falls in included.
    /// </summary>
    private static async Task<BreakageEstimate> EstimateAsync(
        IQuerySession session,
        Instant at,
        long outstanding,
        ProgramSettings program,
        CancellationToken ct
    )
    {
        var start = at.InZone(program.Zone()).LocalDateTime.PlusMonths(-BreakageEstimate.WindowMonths);
        var windowStart = program.Zone().AtLeniently(start).ToInstant();
        var window = await Quarters.MovedAsync(
            session,
            Reconciliation.CutoffFor(windowStart),
            Reconciliation.CutoffFor(at) + Duration.FromMinutes(15),
            ct
        );
        var windowFull = await Quarters.AnyBeforeAsync(session, windowStart, ct);
        return BreakageEstimate.Of(at, windowStart, window, windowFull, outstanding, program);
    }
}
