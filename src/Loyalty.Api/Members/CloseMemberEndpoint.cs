using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Referrals;
using Loyalty.Domain.Access;
using Loyalty.Domain.Members;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Members;

public sealed record CloseMemberRequest([Required] string? Reason, int? ExpectedVersion);

public static class CloseMemberEndpoint
{
    /// <summary>
    /// Closes the member: no more earning; the balance is kept and can still be redeemed. Closing twice changes
    /// nothing.
    /// </summary>
    [Tags("Members")]
    [ProducesResponseType<Loyalty.Projections.Members.MemberView>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(412)]
    [WolverinePost("/members/{id}/closure", OperationId = "closeMember")]
    [Authorize(Policy = Permissions.MembersWrite)]
    public static Task<IResult> Post(
        Guid id,
        CloseMemberRequest? request,
        EventStreams streams,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var command = CloseMember.Parse(request.Reason, request.ExpectedVersion, streams.Now, Caller.Of(http).Actor);
        return streams.Respond(new ClosingMember(id, command), StatusCodes.Status200OK, ct);
    }
}

/// <summary>Closing the member: decided on the member's profile and the version the editor read, if given.</summary>
public sealed record ClosingMember(Guid MemberId, CloseMember Command) : ProfileWrite(MemberId)
{
    public override IReadOnlyList<IMemberEvent> Decide(Member member) => CloseMember.Decide(member, Command);

    /// <summary>A referral of the member that has not paid fails.</summary>
    public override IEnumerable<ScheduledMessage> Schedule(Member member, IReadOnlyList<IMemberEvent> events) =>
        events.Count == 0 ? [] : [new(new ReferredMemberClosed(MemberId), Duration.Zero)];
}
