using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using Loyalty.Projections.Balances;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace Loyalty.Api.Tiers;

public static class TierStandingEndpoints
{
    /// <summary>
    /// The member's tier: the tier held and why (<c>earned</c>, <c>assigned</c> or <c>membership</c>), since and until
    /// when, the metric in the current window, the next tier and what is missing, progress, benefits, and the history
    /// of changes. <c>asOf</c> (an instant, or a date: the end of that day in the program's zone) gives the same as
    /// it stood then.
    /// </summary>
    [Tags("Tiers")]
    [ProducesResponseType<TierStatus>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [WolverineGet("/members/{id}/tier", OperationId = "getTier")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> Get(
        Guid id,
        string? asOf,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        IClock clock,
        CancellationToken ct
    )
    {
        var program = await programSettings.CurrentAsync(ct);
        var now = clock.GetCurrentInstant();
        if (asOf is null)
        {
            return await session.LoadAsync<MemberBalance>(id, ct) is { Enrolled: true } balance
                ? Results.Json(
                    TierStatus.Of(id, balance.Standing ?? TierStanding.None, balance.Membership, program, now)
                )
                : Problems.For(new NotFound("memberId", "no such member"));
        }
        var at = AsOf.Parse(asOf, program, now);
        var events = (await session.Events.FetchStreamAsync(id, token: ct))
            .Select(e => e.Data)
            .OfType<IMemberEvent>()
            .ToList();
        if (events.Count == 0)
            return Problems.For(new NotFound("memberId", "no such member"));
        var (standing, membership) = TierStatus.Replay(events, at);
        return Results.Json(TierStatus.Of(id, standing, membership, program, at));
    }
}

/// <summary>
/// A moment in the past to read a view as of: an instant, or a date (the end of that day in the program's zone).
/// </summary>
public static class AsOf
{
    public static Instant Parse(string value, ProgramSettings program, Instant now)
    {
        if (InstantPattern.ExtendedIso.Parse(value) is { Success: true } instant)
            return instant.Value > now ? throw new InvalidInput("asOf", "must not be in the future")
                : instant.Value.InUtc().Year < 1 ? throw new InvalidInput("asOf", "must be in the years 1 to 9998")
                : instant.Value;
        if (LocalDatePattern.Iso.Parse(value) is not { Success: true } date)
            throw new InvalidInput("asOf", "must be an instant (2026-11-24T12:00:00Z) or a date (2026-11-24)");
        if (date.Value.Year < 1)
            throw new InvalidInput("asOf", "must be in the years 1 to 9998");
        var zone = program.Zone();
        if (date.Value > now.InZone(zone).Date)
            throw new InvalidInput("asOf", "must not be in the future");
        // Today's date reads as now: the end of the day has not come yet.
        return Instant.Min(zone.AtStartOfDay(date.Value.PlusDays(1)).ToInstant() - Duration.Epsilon, now);
    }
}
