using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using Loyalty.Projections.Balances;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Tiers;

public sealed record TierRequest(
    [Required] string? Code,
    [Required] string? Name,
    [Required] decimal Threshold,
    decimal? EarnMultiplier,
    IReadOnlyList<string?>? Benefits
);

/// <summary>
/// <c>metric</c>: qualifying-points, qualifying-spend or purchases; <c>window</c>: rolling-12-months or calendar-year;
/// <c>review</c>: anniversary or end-of-year-after; <c>drop</c>: one-tier or to-qualified; <c>effectiveFrom</c>:
/// default now.
/// </summary>
public sealed record TierRulesRequest(
    [Required] string? Metric,
    [Required] string? Window,
    [Required] string? Review,
    [Required] string? Drop,
    int? GraceDays,
    [Required] IReadOnlyList<TierRequest?>? Tiers,
    Instant? EffectiveFrom = null,
    int? ExpectedRuleVersion = null
)
{
    public TierRules ToRules() =>
        TierRules.From(
            Metric,
            Window,
            Review,
            Drop,
            GraceDays,
            Tiers
                ?.Select(t =>
                    t is null
                        ? null
                        : new Tier(
                            t.Code!,
                            t.Name!,
                            t.Threshold,
                            t.EarnMultiplier ?? 1,
                            t.Benefits?.Select(b => b!).ToArray() ?? []
                        )
                )
                .ToArray()
        );
}

/// <summary>The tier rules in force now, and every version with the date it applies from.</summary>
public sealed record TierRulesResponse(
    int RuleVersion,
    TierRulesVersion? Current,
    IReadOnlyList<TierRulesVersion> Versions
)
{
    public static TierRulesResponse From(ProgramSettings program, Instant now) =>
        new(program.RuleVersion, program.TiersAt(now), program.TierVersions);
}

public sealed record TierMovements(string Month, int Upgrades, int Downgrades);

/// <summary>Members by the tier they hold now, and upgrades and downgrades per month of the program's zone.</summary>
public sealed record TierReport(Instant AsAt, IReadOnlyList<TierCount> Members, IReadOnlyList<TierMovements> Months);

public static class TierRulesEndpoints
{
    /// <summary>The tier rules: the version in force now and every version with its effective date.</summary>
    [Tags("Tiers")]
    [WolverineGet("/program/tiers", OperationId = "getTierRules")]
    [Authorize(Policy = Permissions.ProgramRead)]
    public static async Task<TierRulesResponse> Get(
        ProgramSettingsCache programSettings,
        IClock clock,
        CancellationToken ct
    ) => TierRulesResponse.From(await programSettings.CurrentAsync(ct), clock.GetCurrentInstant());

    /// <summary>
    /// Sets new tier rules as a new rule version, in force from <c>effectiveFrom</c> (default now; never in the past).
    /// Tiers of the current rules must stay, in their order; new tiers may be added. Nothing earlier is recounted.
    /// </summary>
    [Tags("Tiers")]
    [ProducesResponseType<TierRulesResponse>(200)]
    [Refuses(400)]
    [Refuses(412)]
    [Refuses(422)]
    [WolverinePut("/program/tiers", OperationId = "changeTierRules")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static async Task<IResult> Put(
        TierRulesRequest? request,
        EventStreams streams,
        ProgramSettingsCache cache,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var command = new ChangeTierRules(
            request.ToRules(),
            request.EffectiveFrom,
            request.ExpectedRuleVersion,
            streams.Now,
            Caller.Of(http).Actor
        );
        return await ProgramWrite.RespondAsync(new ChangingTierRules(command), streams, cache, ct);
    }

    /// <summary>
    /// What the given tier rules would do if they applied now: who moves up at once, who drops at review.
    /// </summary>
    [Tags("Tiers")]
    [ProducesResponseType<TierPreview>(200)]
    [Refuses(400)]
    [Refuses(422)]
    [WolverinePost("/program/tiers/preview", OperationId = "previewTierRules")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static async Task<IResult> Preview(
        TierRulesRequest? request,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        IClock clock,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var (program, now) = (await programSettings.CurrentAsync(ct), clock.GetCurrentInstant());
        var proposed = request.ToRules();
        // refused as the change itself would be
        ChangeTierRules.Decide(program, new ChangeTierRules(proposed, null, null, now, Caller.Of(http).Actor));
        return Results.Json(TierPreview.Of(await Standings(session, ct), program, proposed, now));
    }

    /// <summary>
    /// Members by the tier they hold now, and upgrades and downgrades per month (the program's zone), newest month
    /// first.
    /// </summary>
    [Tags("Tiers")]
    [WolverineGet("/program/tiers/report", OperationId = "getTierReport")]
    [Authorize(Policy = Permissions.ProgramRead)]
    public static async Task<TierReport> Report(
        IQuerySession session,
        ProgramSettingsCache programSettings,
        IClock clock,
        CancellationToken ct
    )
    {
        var (program, now) = (await programSettings.CurrentAsync(ct), clock.GetCurrentInstant());
        var zone = program.Zone();
        var upgrades = await session.Events.QueryRawEventDataOnly<TierUpgraded>().ToListAsync(ct);
        var downgrades = await session.Events.QueryRawEventDataOnly<TierDowngraded>().ToListAsync(ct);
        string MonthOf(Instant at) => at.InZone(zone).Date.ToString("yyyy-MM", null);
        var months = upgrades
            .Select(e => (Month: MonthOf(e.At), Up: 1, Down: 0))
            .Concat(downgrades.Select(e => (Month: MonthOf(e.At), Up: 0, Down: 1)))
            .GroupBy(m => m.Month)
            .Select(g => new TierMovements(g.Key, g.Sum(m => m.Up), g.Sum(m => m.Down)))
            .OrderByDescending(m => m.Month, StringComparer.Ordinal)
            .ToList();
        return new TierReport(now, TierPreview.HeldNow(await Standings(session, ct), program, now), months);
    }

    /// <summary>Every enrolled member's tier standing and membership, without their lots.</summary>
    private static async Task<IReadOnlyList<StandingRow>> Standings(IQuerySession session, CancellationToken ct) =>
        await session
            .Query<MemberBalance>()
            .Where(b => b.Enrolled)
            .Select(b => new StandingRow(b.Standing, b.Membership))
            .ToListAsync(ct);
}

/// <summary>Changing the tier rules: decided on the settings as they stand.</summary>
public sealed record ChangingTierRules(ChangeTierRules Command) : ProgramWrite<TierRulesResponse>
{
    public override IReadOnlyList<IProgramEvent> Decide(ProgramSettings settings) =>
        ChangeTierRules.Decide(settings, Command);

    public override TierRulesResponse Answer(ProgramSettings after) => TierRulesResponse.From(after, Command.At);
}
