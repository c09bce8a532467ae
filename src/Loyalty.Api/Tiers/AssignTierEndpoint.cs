using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Members;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Tiers;

public sealed record AssignTierRequest(
    [Required] string? AssignmentId,
    [Required] string? Tier,
    [Required] string? Reason,
    [Required] Instant? Until
);

public sealed record TierAssignedResponse(
    Guid MemberId,
    string AssignmentId,
    string Tier,
    Instant Until,
    TierStatus Standing
);

public static class AssignTierEndpoint
{
    /// <summary>
    /// Gives the member a tier until a date, with a reason: a floor, they hold at least that tier until then (a later
    /// assignment replaces it). Idempotent by <c>assignmentId</c>.
    /// </summary>
    [Tags("Tiers")]
    [ProducesResponseType<TierAssignedResponse>(201)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/tier/assignments", OperationId = "assignTier")]
    [Authorize(Policy = Permissions.ProgramWrite)]
    public static Task<IResult> Assign(
        AssignTierRequest? request, // the body: declared here for Wolverine, parsed by LoadAsync
        AssigningTier write,
        EventStreams streams,
        CancellationToken ct
    ) => streams.Respond(write, StatusCodes.Status201Created, ct);

    /// <summary>The write the request asks for: the body parsed, the caller checked, the key made.</summary>
    public static async Task<AssigningTier> LoadAsync(
        Guid id,
        AssignTierRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var command = AssignTier.Parse(
            request.AssignmentId,
            request.Tier,
            request.Reason,
            request.Until,
            streams.Now,
            Caller.Of(http).Actor
        );
        var key = streams.Key($"tier-assignment/{id}/{command.AssignmentId}", "assignmentId", request);
        return new AssigningTier(id, key, command, await programSettings.CurrentAsync(ct));
    }
}

/// <summary>Assigning a tier: decided on the member's account, answered with the standing it leaves.</summary>
public sealed record AssigningTier(Guid MemberId, IdempotencyKey Key, AssignTier Command, ProgramSettings Program)
    : MemberWrite<NoRecord, TierAssignedResponse>(MemberId, Key)
{
    public override IReadOnlyList<IMemberEvent> Decide(MemberState<NoRecord> state) =>
        AssignTier.Decide(state.Account, Program, Command);

    public override TierAssignedResponse Answer(MemberWritten<NoRecord> written) =>
        new(
            MemberId,
            Command.AssignmentId,
            Command.Tier,
            Command.Until,
            TierStatus.Of(MemberId, written.After.Tier, written.After.Membership, Program, Command.At)
        );
}
