using Loyalty.Api.Infrastructure;
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

public sealed record MembershipPeriod(Instant Start, Instant End);

/// <summary>
/// A member's paid membership: <c>status</c> active, past-due (a payment failed: active until <c>graceUntil</c>),
/// cancelled (active until <c>endsAt</c>), ended, or none; the current period; the renewal date (the program's zone);
/// the plan's benefits; and the history.
/// </summary>
public sealed record MembershipResponse(
    Guid MemberId,
    string Status,
    MembershipPlan? Plan,
    MembershipPeriod? CurrentPeriod,
    LocalDate? RenewalDate,
    Instant? ActiveUntil,
    Instant? GraceUntil,
    Instant? EndsAt,
    Instant? EndedAt,
    IReadOnlyList<MembershipChange> History
)
{
    public static MembershipResponse From(Guid memberId, Membership? m, ProgramSettings program, Instant now) =>
        m is null
            ? new(memberId, "none", null, null, null, null, null, null, null, [])
            : new(
                memberId,
                m.StatusAt(now),
                m.Plan,
                new MembershipPeriod(m.PeriodStart, m.PeriodEnd),
                m.ActiveAt(now) && m.EndsAt is null ? m.PeriodEnd.InZone(program.Zone()).Date : null,
                m.ActiveUntil(),
                m.GraceUntil,
                m.EndsAt,
                m.EndedAt,
                m.History
            );
}

public static class ReadMembershipEndpoint
{
    /// <summary>
    /// The member's paid membership: plan, status, current period, renewal date, benefits and history.
    /// </summary>
    [Tags("Memberships")]
    [ProducesResponseType<MembershipResponse>(200)]
    [Refuses(404)]
    [WolverineGet("/members/{id}/membership", OperationId = "getMembership")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> Get(
        Guid id,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        IClock clock,
        CancellationToken ct
    ) =>
        await session.LoadAsync<MemberBalance>(id, ct) is { Enrolled: true } balance
            ? Results.Json(
                MembershipResponse.From(
                    id,
                    balance.Membership,
                    await programSettings.CurrentAsync(ct),
                    clock.GetCurrentInstant()
                )
            )
            : Problems.For(new NotFound("memberId", "no such member"));
}
