using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Memberships;

public sealed record MembershipPlanRequest(
    [Required] string? Code,
    [Required] string? Name,
    [Required] decimal? Price,
    [Required] string? Currency,
    [Required] string? Period,
    decimal? EarnMultiplier,
    string? MinimumTier,
    int? BonusPoints,
    IReadOnlyList<string?>? Benefits
);

public sealed record MembershipPlansRequest(
    [Required] IReadOnlyList<MembershipPlanRequest?>? Plans,
    int? GraceDays,
    int? ExpectedRuleVersion
);

public sealed record MembershipPlansResponse(int RuleVersion, IReadOnlyList<MembershipPlan> Plans, int GraceDays)
{
    public static MembershipPlansResponse From(ProgramSettings program) =>
        new(program.RuleVersion, program.MembershipPlans, program.MembershipGraceDays);
}

public static class MembershipPlanEndpoints
{
    /// <summary>The paid membership plans and the grace days after a failed payment.</summary>
    [Tags("Memberships")]
    [WolverineGet("/program/membership-plans", OperationId = "getMembershipPlans")]
    [Authorize(Policy = Permissions.ProgramRead)]
    public static async Task<MembershipPlansResponse> Get(ProgramSettingsCache programSettings, CancellationToken ct) =>
        MembershipPlansResponse.From(await programSettings.CurrentAsync(ct));

    /// <summary>
    /// Sets the paid membership plans as a new rule version. Members keep the terms of the period they paid for.
    /// </summary>
    [Tags("Memberships")]
    [ProducesResponseType<MembershipPlansResponse>(200)]
    [Refuses(400)]
    [Refuses(412)]
    [Refuses(422)]
    [WolverinePut("/program/membership-plans", OperationId = "changeMembershipPlans")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static async Task<IResult> Put(
        MembershipPlansRequest? request,
        EventStreams streams,
        ProgramSettingsCache cache,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var plans = request
            .Plans?.Select(p =>
                p is null
                    ? null
                    : new MembershipPlan(
                        p.Code!,
                        p.Name!,
                        p.Price is { } price ? new Money(price, p.Currency!) : null!,
                        p.Period!,
                        p.EarnMultiplier ?? 1,
                        p.MinimumTier,
                        p.BonusPoints ?? 0,
                        p.Benefits?.Select(b => b!).ToArray() ?? []
                    )
            )
            .ToArray();
        var command = ChangeMembershipPlans.Parse(
            plans,
            request.GraceDays,
            request.ExpectedRuleVersion,
            streams.Now,
            Caller.Of(http).Actor
        );
        return await ProgramWrite.RespondAsync(new ChangingMembershipPlans(command), streams, cache, ct);
    }
}

/// <summary>Changing the membership plans: decided on the settings as they stand.</summary>
public sealed record ChangingMembershipPlans(ChangeMembershipPlans Command) : ProgramWrite<MembershipPlansResponse>
{
    public override IReadOnlyList<IProgramEvent> Decide(ProgramSettings settings) =>
        ChangeMembershipPlans.Decide(settings, Command);

    public override MembershipPlansResponse Answer(ProgramSettings after) => MembershipPlansResponse.From(after);
}
