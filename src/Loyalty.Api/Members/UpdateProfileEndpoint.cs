using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Members;

public sealed record UpdateProfileRequest(
    [Required] int? ExpectedVersion,
    [Required] string? Name,
    string? Email,
    string? Phone,
    LocalDate? Birthday,
    string? TimeZone
);

public static class UpdateProfileEndpoint
{
    /// <summary>
    /// Replaces the member's profile. <c>expectedVersion</c> is the version you read: if someone changed the
    /// profile since, the answer is 412 and nothing changes.
    /// </summary>
    [Tags("Members")]
    [ProducesResponseType<Loyalty.Projections.Members.MemberView>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(412)]
    [Refuses(422)]
    [WolverinePut("/members/{id}/profile", OperationId = "updateMemberProfile")]
    [Authorize(Policy = Permissions.MembersWrite)]
    public static Task<IResult> Put(
        Guid id,
        UpdateProfileRequest? request,
        EventStreams streams,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var expected = request.ExpectedVersion ?? throw new InvalidInput("expectedVersion", "is required");
        var command = new UpdateProfile(
            expected,
            request.Name,
            request.Email,
            request.Phone,
            request.Birthday,
            request.TimeZone,
            streams.Now,
            Caller.Of(http).Actor
        );
        return streams.Respond(new UpdatingProfile(id, command), StatusCodes.Status200OK, ct);
    }
}

/// <summary>Updating the profile: decided on the member's profile and the version the editor read.</summary>
public sealed record UpdatingProfile(Guid MemberId, UpdateProfile Command) : ProfileWrite(MemberId)
{
    public override IReadOnlyList<IMemberEvent> Decide(Member member) => UpdateProfile.Decide(member, Command);
}
