using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Members;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Memberships;

/// <summary>
/// What the billing system reports: its <c>paymentReference</c>, the <c>plan</c> bought, whether a cancellation is
/// refunded.
/// </summary>
public sealed record MembershipReportRequest([Required] string? PaymentReference, string? Plan, bool? Refund);

/// <summary>
/// What the billing system reports about a member's paid membership: a purchase, a renewal, a failed payment or a
/// cancellation. Each is one write, idempotent by its payment reference.
/// </summary>
public static class ReportMembershipEndpoints
{
    /// <summary>
    /// The billing system reports a membership bought (<c>plan</c>): the first period runs from now to the same local
    /// date a
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
    public static Task<IResult> Purchased(
        Guid id,
        MembershipReportRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    ) =>
        Report(
            MembershipReport.Purchased,
            id,
            request,
            streams,
            programSettings,
            http,
            StatusCodes.Status201Created,
            ct
        );

    /// <summary>
    /// The billing system reports another period paid for: it follows the current one, and its bonus points are
    /// credited.
    /// </summary>
    [Tags("Memberships")]
    [ProducesResponseType<MembershipResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/membership/renewed", OperationId = "membershipRenewed")]
    [Authorize(Policy = Permissions.MembershipsWrite)]
    public static Task<IResult> Renewed(
        Guid id,
        MembershipReportRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    ) => Report(MembershipReport.Renewed, id, request, streams, programSettings, http, StatusCodes.Status200OK, ct);

    /// <summary>
    /// The billing system reports a failed payment: the membership stays active for the program's grace days after the
    /// period's end.
    /// </summary>
    [Tags("Memberships")]
    [ProducesResponseType<MembershipResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/membership/payment-failed", OperationId = "membershipPaymentFailed")]
    [Authorize(Policy = Permissions.MembershipsWrite)]
    public static Task<IResult> PaymentFailed(
        Guid id,
        MembershipReportRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    ) =>
        Report(
            MembershipReport.PaymentFailed,
            id,
            request,
            streams,
            programSettings,
            http,
            StatusCodes.Status200OK,
            ct
        );

    /// <summary>
    /// The billing system reports a cancellation: the membership ends at the period's end, or at once with
    /// <c>refund</c>.
    /// </summary>
    [Tags("Memberships")]
    [ProducesResponseType<MembershipResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/membership/cancelled", OperationId = "membershipCancelled")]
    [Authorize(Policy = Permissions.MembershipsWrite)]
    public static Task<IResult> Cancelled(
        Guid id,
        MembershipReportRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    ) => Report(MembershipReport.Cancelled, id, request, streams, programSettings, http, StatusCodes.Status200OK, ct);

    private static async Task<IResult> Report(
        string kind,
        Guid id,
        MembershipReportRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        int status,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var command = MembershipReport.Parse(
            kind,
            request.PaymentReference,
            request.Plan,
            request.Refund ?? false,
            streams.Now,
            Caller.Of(http).Actor
        );
        var key = streams.Key($"membership/{id}/{command.PaymentReference}", "paymentReference", new { kind, request });
        var write = new ReportingMembership(id, key, command, await programSettings.CurrentAsync(ct));
        return await streams.Respond(write, status, ct);
    }
}

/// <summary>A membership report: decided on the member's account, answered with the membership it leaves.</summary>
public sealed record ReportingMembership(
    Guid MemberId,
    IdempotencyKey Key,
    MembershipReport Command,
    ProgramSettings Program
) : MemberWrite<NoRecord, MembershipResponse>(MemberId, Key)
{
    public override IReadOnlyList<IMemberEvent> Decide(MemberState<NoRecord> state) =>
        MembershipReport.Decide(state.Account, Program, Command);

    public override MembershipResponse Answer(MemberWritten<NoRecord> written) =>
        MembershipResponse.From(MemberId, written.After.Membership, Program, Command.At);
}
