using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Purchases;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Holds;

/// <summary>Leave <c>points</c> out to capture all that is held; fewer captures part and releases the rest.</summary>
/// <param name="Points">The points to spend of those held; default all of them.</param>
/// <example>{"points":15}</example>
public sealed record CaptureHoldRequest(int? Points);

public static class CaptureHoldEndpoint
{
    /// <summary>The write the request asks for: the body parsed, the caller checked, the key made.</summary>
    public static async Task<CapturingHold> LoadAsync(
        Guid id,
        string holdId,
        CaptureHoldRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var command = CaptureHold.Parse(holdId, request.Points, streams.Now, Caller.Of(http).Actor);
        var points = request.Points?.ToString() ?? "all";
        var key = streams.Key($"capture/{id}/{command.HoldId}", "points", new { holdId = command.HoldId, points });
        return new CapturingHold(id, key, command, await programSettings.CurrentAsync(ct));
    }

    /// <summary>
    /// Spends the held points (all, or fewer: the rest is released). Refused with 409 once the hold was captured with
    /// another amount, released, or has expired. Idempotent by <c>holdId</c> and amount.
    /// </summary>
    [Tags("Holds")]
    [ProducesResponseType<HoldResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/holds/{holdId}/capture", OperationId = "captureHold")]
    [Authorize(Policy = Permissions.PointsRedeem)]
    public static Task<IResult> Post(
        CaptureHoldRequest? request, // the body: declared here for Wolverine, parsed by LoadAsync
        CapturingHold write,
        EventStreams streams,
        CancellationToken ct
    ) => streams.Respond(write, StatusCodes.Status200OK, ct);
}

/// <summary>Capturing: decided on the member's account and the hold as it stands.</summary>
public sealed record CapturingHold(Guid MemberId, IdempotencyKey Key, CaptureHold Command, ProgramSettings Program)
    : HoldWrite(MemberId, Command.HoldId, Key, Program, Command.At)
{
    public override IReadOnlyList<IMemberEvent> Decide(MemberState<HoldRecord> state) =>
        CaptureHold.Decide(state.Account, state.Record?.Hold, Program, Command);
}
