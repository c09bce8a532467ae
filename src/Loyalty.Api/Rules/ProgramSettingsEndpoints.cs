using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Program;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Rules;

public sealed record EarnRateRequest([Required] decimal Points, [Required] decimal PerAmount);

/// <summary>
/// When points expire: <c>kind</c> none, rolling, end-of-quarter, end-of-year or activity; <c>months</c> 1–120.
/// </summary>
public sealed record ExpiryRequest([Required] string? Kind, int? Months);

/// <summary>
/// What points are worth when paying with them: <c>points</c> points are worth <c>amount</c> of the program's currency.
/// </summary>
public sealed record PointValueRequest([Required] int? Points, [Required] decimal? Amount);

/// <param name="ExpectedRedemptionRate">
/// The share of outstanding points finance expects members to redeem, 0 to 1, for the deferred revenue estimate;
/// until it is set, the rate observed over the last 12 months is used. Left out: unchanged.
/// </param>
/// <param name="Lifecycle">The day thresholds of the members' lifecycle stages. Left out: unchanged.</param>
public sealed record ChangeProgramSettingsRequest(
    [Required] string? Currency,
    [Required] string? TimeZone,
    [Required] EarnRateRequest? EarnRate,
    int? ExpectedRuleVersion,
    bool? MembersMayRedeem,
    int? PendingDays = null,
    ExpiryRequest? Expiry = null,
    PointValueRequest? PointValue = null,
    bool? MembersMaySendEngagements = null,
    decimal? ExpectedRedemptionRate = null,
    LifecycleRequest? Lifecycle = null
);

/// <summary>
/// The lifecycle stages' thresholds in days: <c>new</c> for <c>newDays</c> from enrolment, then by the days since
/// the last purchase (since enrolment if none): <c>at-risk</c> from <c>atRiskAfterDays</c>, <c>dormant</c> from
/// <c>dormantAfterDays</c>, <c>churned</c> from <c>churnedAfterDays</c>. Each left out: 30, 60, 90, 180.
/// </summary>
public sealed record LifecycleRequest(int? NewDays, int? AtRiskAfterDays, int? DormantAfterDays, int? ChurnedAfterDays);

public sealed record ProgramSettingsResponse(
    int RuleVersion,
    string Currency,
    string TimeZone,
    EarnRate EarnRate,
    string Rounding,
    bool MembersMayRedeem,
    int PendingDays,
    ExpiryPolicy Expiry,
    PointValue? PointValue,
    bool MembersMaySendEngagements = false,
    decimal? ExpectedRedemptionRate = null,
    LifecycleThresholds? Lifecycle = null
)
{
    public static ProgramSettingsResponse From(ProgramSettings s) =>
        new(
            s.RuleVersion,
            s.Currency,
            s.TimeZone,
            s.EarnRate,
            s.Rounding,
            s.MembersMayRedeem,
            s.PendingDays,
            s.Expiry!,
            s.PointValue,
            s.MembersMaySendEngagements,
            s.ExpectedRedemptionRate,
            s.Lifecycle
        );
}

public static class ProgramSettingsQueries
{
    public static async Task<ProgramSettings> Current(IQuerySession session, CancellationToken ct) =>
        (await session.LoadAsync<ProgramSettingsDocument>(ProgramSettings.StreamId, ct))?.Settings
        ?? ProgramSettings.None;
}

/// <summary>
/// The program settings every purchase reads, kept for a few seconds (<c>Loyalty:Program:CacheSeconds</c>,
/// default 5). A change forgets them at once on the node that made it; other nodes apply the new rule version
/// within the lifetime, and every earning records the rule version it actually used.
/// </summary>
public sealed class ProgramSettingsCache(
    IDocumentStore store,
    Microsoft.Extensions.Options.IOptions<ProgramDefaults> options
) : ShortCache<Guid, ProgramSettings>(TimeSpan.FromSeconds(options.Value.CacheSeconds))
{
    public ValueTask<ProgramSettings> CurrentAsync(CancellationToken ct) =>
        GetAsync(
            ProgramSettings.StreamId,
            async _ =>
            {
                await using var session = store.QuerySession();
                return await ProgramSettingsQueries.Current(session, ct);
            }
        );
}

public static class ReadProgramSettingsEndpoint
{
    /// <summary>The program's currency, time zone and earn rule, at its current rule version.</summary>
    [Tags("Program")]
    [WolverineGet("/program/settings", OperationId = "getProgramSettings")]
    [Authorize(Policy = Permissions.ProgramRead)]
    public static async Task<ProgramSettingsResponse> Get(IQuerySession session, CancellationToken ct) =>
        ProgramSettingsResponse.From(await ProgramSettingsQueries.Current(session, ct));
}

public static class ChangeProgramSettingsEndpoint
{
    /// <summary>Changes the program settings; a real change records a new rule version.</summary>
    [Tags("Program")]
    [ProducesResponseType<ProgramSettingsResponse>(200)]
    [Refuses(400)]
    [Refuses(412)]
    [WolverinePut("/program/settings", OperationId = "changeProgramSettings")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static async Task<IResult> Put(
        ChangeProgramSettingsRequest? request,
        EventStreams streams,
        ProgramSettingsCache cache,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var rate = request.EarnRate ?? throw new InvalidInput("earnRate", "is required");
        var command = ChangeProgramSettings.Parse(
            request.Currency,
            request.TimeZone,
            rate.Points,
            rate.PerAmount,
            request.ExpectedRuleVersion,
            streams.Now,
            Caller.Of(http).Actor,
            request.MembersMayRedeem,
            request.PendingDays,
            request.Expiry is { } expiry ? ExpiryPolicy.From(expiry.Kind, expiry.Months) : null,
            request.PointValue is { } value ? PointValue.From(value.Points, value.Amount) : null,
            request.MembersMaySendEngagements,
            request.ExpectedRedemptionRate,
            request.Lifecycle is { } l
                ? LifecycleThresholds.Parse(
                    l.NewDays,
                    l.AtRiskAfterDays,
                    l.DormantAfterDays,
                    l.ChurnedAfterDays,
                    "lifecycle"
                )
                : null
        );
        return await ProgramWrite.RespondAsync(new ChangingProgramSettings(command), streams, cache, ct);
    }
}

/// <summary>Changing the settings: decided on the settings as they stand.</summary>
public sealed record ChangingProgramSettings(ChangeProgramSettings Command) : ProgramWrite<ProgramSettingsResponse>
{
    public override IReadOnlyList<IProgramEvent> Decide(ProgramSettings settings) =>
        ChangeProgramSettings.Decide(settings, Command);

    public override ProgramSettingsResponse Answer(ProgramSettings after) => ProgramSettingsResponse.From(after);
}
