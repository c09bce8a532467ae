using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Purchases;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Holds;

public static class ReleaseHoldEndpoint
{
    /// <summary>
    /// Frees the held points. Releasing a released or expired hold changes nothing; a captured one: 409.
    /// </summary>
    [Tags("Holds")]
    [ProducesResponseType<HoldResponse>(200)]
    [Refuses(404)]
    [Refuses(409)]
    [Idempotent]
    [WolverinePost("/members/{id}/holds/{holdId}/release", OperationId = "releaseHold")]
    [Authorize(Policy = Permissions.PointsRedeem)]
    public static async Task<IResult> Post(
        Guid id,
        string holdId,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        var command = ReleaseHold.Parse(holdId, streams.Now, Caller.Of(http).Actor);
        var key = streams.Key($"release/{id}/{command.HoldId}", "holdId", new { holdId = command.HoldId });
        var write = new ReleasingHold(id, key, command, await programSettings.CurrentAsync(ct));
        return await streams.Respond(write, StatusCodes.Status200OK, ct);
    }
}

/// <summary>Releasing by the caller: decided on the member's account and the hold as it stands.</summary>
public sealed record ReleasingHold(Guid MemberId, IdempotencyKey Key, ReleaseHold Command, ProgramSettings Program)
    : HoldWrite(MemberId, Command.HoldId, Key, Program, Command.At)
{
    public override IReadOnlyList<IMemberEvent> Decide(MemberState<HoldRecord> state) =>
        ReleaseHold.Decide(state.Account, state.Record?.Hold, Command);
}

/// <summary>Releasing when the hold's time ran out: the scheduled message's write, with no key to keep.</summary>
public sealed record ReleasingExpiredHold(ReleaseExpiredHold Message, ProgramSettings Program, Instant Now, Actor By)
    : HoldWrite(Message.MemberId, Message.HoldId, null, Program, Now)
{
    public override IReadOnlyList<IMemberEvent> Decide(MemberState<HoldRecord> state) =>
        ReleaseExpiredHold.Decide(state.Account, state.Record?.Hold, Now, By);
}
