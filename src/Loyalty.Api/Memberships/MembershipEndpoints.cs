using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Points;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Balances;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
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
    IReadOnlyList<string?>? Benefits);

public sealed record MembershipPlansRequest(
    [Required] IReadOnlyList<MembershipPlanRequest?>? Plans,
    int? GraceDays,
    int? ExpectedRuleVersion);

public sealed record MembershipPlansResponse(int RuleVersion, IReadOnlyList<MembershipPlan> Plans, int GraceDays)
{
    public static MembershipPlansResponse From(ProgramSettings program) => new(program.RuleVersion, program.MembershipPlans, program.MembershipGraceDays);
}

/// <summary>What the billing system reports: its <c>paymentReference</c>, the <c>plan</c> bought, whether a cancellation is refunded.</summary>
public sealed record MembershipReportRequest([Required] string? PaymentReference, string? Plan, bool? Refund);

public sealed record MembershipPeriod(Instant Start, Instant End);

/// <summary>
/// A member's paid membership: <c>status</c> active, past-due (a payment failed: active until <c>graceUntil</c>),
/// cancelled (active until <c>endsAt</c>), ended, or none; the current period; the renewal date (the program's zone);
/// the plan's benefits; and the history.
/// </summary>
public sealed record MembershipResponse(Guid MemberId, string Status, MembershipPlan? Plan, MembershipPeriod? CurrentPeriod, LocalDate? RenewalDate,
    Instant? ActiveUntil, Instant? GraceUntil, Instant? EndsAt, Instant? EndedAt, IReadOnlyList<MembershipChange> History)
{
    public static MembershipResponse From(Guid memberId, Membership? m, ProgramSettings program, Instant now) => m is null
        ? new(memberId, "none", null, null, null, null, null, null, null, [])
        : new(memberId, m.StatusAt(now), m.Plan, new MembershipPeriod(m.PeriodStart, m.PeriodEnd),
            m.ActiveAt(now) && m.EndsAt is null ? m.PeriodEnd.InZone(program.Zone()).Date : null,
            m.ActiveUntil(), m.GraceUntil, m.EndsAt, m.EndedAt, m.History);
}

public static class MembershipPlanEndpoints
{
    /// <summary>The paid membership plans and the grace days after a failed payment.</summary>
    [Tags("Memberships")]
    [WolverineGet("/program/membership-plans", OperationId = "getMembershipPlans")]
    [Authorize(Policy = Permissions.ProgramRead)]
    public static async Task<MembershipPlansResponse> Get(ProgramSettingsCache programSettings, CancellationToken ct) =>
        MembershipPlansResponse.From(await programSettings.CurrentAsync(ct));

    /// <summary>Sets the paid membership plans as a new rule version. Members keep the terms of the period they paid for.</summary>
    [Tags("Memberships")]
    [ProducesResponseType<MembershipPlansResponse>(200)]
    [Refuses(400)]
    [Refuses(412)]
    [Refuses(422)]
    [WolverinePut("/program/membership-plans", OperationId = "changeMembershipPlans")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static async Task<IResult> Put(MembershipPlansRequest? request, EventStreams streams, ProgramSettingsCache cache, HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        var plans = request.Plans?.Select(p => p is null ? null : new MembershipPlan(p.Code!, p.Name!,
            p.Price is { } price ? new Money(price, p.Currency!) : null!, p.Period!, p.EarnMultiplier ?? 1, p.MinimumTier, p.BonusPoints ?? 0,
            p.Benefits?.Select(b => b!).ToArray() ?? [])).ToArray();
        var command = new ChangeMembershipPlans(plans, request.GraceDays, request.ExpectedRuleVersion, streams.Now, Caller.Of(http).Actor);
        return await ProgramWrites.Append(streams, cache, settings => ChangeMembershipPlans.Decide(settings, command), MembershipPlansResponse.From, ct);
    }
}

public static class MembershipEndpoints
{
    /// <summary>The member's paid membership: plan, status, current period, renewal date, benefits and history.</summary>
    [Tags("Memberships")]
    [ProducesResponseType<MembershipResponse>(200)]
    [Refuses(404)]
    [WolverineGet("/members/{id}/membership", OperationId = "getMembership")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, ProgramSettingsCache programSettings, IClock clock, CancellationToken ct) =>
        await session.LoadAsync<MemberBalance>(id, ct) is { Enrolled: true } balance
            ? Results.Json(MembershipResponse.From(id, balance.Membership, await programSettings.CurrentAsync(ct), clock.GetCurrentInstant()))
            : Problems.For(new NotFound("memberId", "no such member"));

    /// <summary>
    /// The billing system reports a membership bought (<c>plan</c>): the first period runs from now to the same local date a
    /// month or a year later, and its bonus points are credited. Idempotent by <c>paymentReference</c>.
    /// </summary>
    [Tags("Memberships")]
    [ProducesResponseType<MembershipResponse>(201)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/membership/purchased", OperationId = "membershipPurchased")]
    [Authorize(Policy = Permissions.MembershipsWrite)]
    public static Task<IResult> Purchased(Guid id, MembershipReportRequest? request, EventStreams streams, ProgramSettingsCache programSettings,
        HttpContext http, CancellationToken ct) =>
        Report(MembershipReport.Purchased, id, request, streams, programSettings, http, StatusCodes.Status201Created, ct);

    /// <summary>The billing system reports another period paid for: it follows the current one, and its bonus points are credited.</summary>
    [Tags("Memberships")]
    [ProducesResponseType<MembershipResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/membership/renewed", OperationId = "membershipRenewed")]
    [Authorize(Policy = Permissions.MembershipsWrite)]
    public static Task<IResult> Renewed(Guid id, MembershipReportRequest? request, EventStreams streams, ProgramSettingsCache programSettings,
        HttpContext http, CancellationToken ct) =>
        Report(MembershipReport.Renewed, id, request, streams, programSettings, http, StatusCodes.Status200OK, ct);

    /// <summary>The billing system reports a failed payment: the membership stays active for the program's grace days after the period's end.</summary>
    [Tags("Memberships")]
    [ProducesResponseType<MembershipResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/membership/payment-failed", OperationId = "membershipPaymentFailed")]
    [Authorize(Policy = Permissions.MembershipsWrite)]
    public static Task<IResult> PaymentFailed(Guid id, MembershipReportRequest? request, EventStreams streams, ProgramSettingsCache programSettings,
        HttpContext http, CancellationToken ct) =>
        Report(MembershipReport.PaymentFailed, id, request, streams, programSettings, http, StatusCodes.Status200OK, ct);

    /// <summary>The billing system reports a cancellation: the membership ends at the period's end, or at once with <c>refund</c>.</summary>
    [Tags("Memberships")]
    [ProducesResponseType<MembershipResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/membership/cancelled", OperationId = "membershipCancelled")]
    [Authorize(Policy = Permissions.MembershipsWrite)]
    public static Task<IResult> Cancelled(Guid id, MembershipReportRequest? request, EventStreams streams, ProgramSettingsCache programSettings,
        HttpContext http, CancellationToken ct) =>
        Report(MembershipReport.Cancelled, id, request, streams, programSettings, http, StatusCodes.Status200OK, ct);

    private static async Task<IResult> Report(string kind, Guid id, MembershipReportRequest? request, EventStreams streams,
        ProgramSettingsCache programSettings, HttpContext http, int status, CancellationToken ct)
    {
        request = Body.Required(request);
        var reference = Guard.Required(request.PaymentReference, "paymentReference", 100);
        var program = await programSettings.CurrentAsync(ct);
        var command = new MembershipReport(kind, reference, request.Plan, request.Refund ?? false, streams.Now, Caller.Of(http).Actor);
        return await PointsWrites.Append(streams, id, streams.Key($"membership/{id}/{reference}", "paymentReference", new { kind, request }), program,
            account => MembershipReport.Decide(account, program, command),
            (written, _) => MembershipResponse.From(id, written.After.Membership, program, streams.Now), status, ct);
    }
}
