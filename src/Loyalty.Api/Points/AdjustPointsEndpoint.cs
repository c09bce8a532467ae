using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace Loyalty.Api.Points;

/// <summary>A correction by support or finance, always with a reason.</summary>
/// <param name="AdjustmentId">The caller's id for the adjustment: the idempotency key.</param>
/// <param name="Points">Points to add (positive) or remove (negative); never below zero.</param>
/// <param name="Reason">Why, for the ledger and the audit.</param>
/// <param name="Qualifying">Whether added points count toward tiers (default false).</param>
/// <example>{"adjustmentId":"ADJ-1","points":50,"reason":"goodwill: late delivery"}</example>
public sealed record AdjustPointsRequest(
    [Required] string? AdjustmentId,
    [Required] int Points,
    [Required] string? Reason,
    bool? Qualifying = null
);

public sealed record PointsAdjustedResponse(
    Guid MemberId,
    string AdjustmentId,
    int Points,
    int DeficitSettled,
    BalanceResponse Balance
)
{
    public static PointsAdjustedResponse From(PointsAdjusted e, BalanceResponse balance) =>
        new(e.MemberId, e.AdjustmentId, e.Points, e.DeficitSettled, balance);
}

public static class AdjustPointsEndpoint
{
    /// <summary>The write the request asks for: the body parsed, the caller checked, the key made.</summary>
    public static async Task<Adjusting> LoadAsync(
        Guid id,
        AdjustPointsRequest? request,
        EventStreams streams,
        IOptions<AuthSettings> auth,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var caller = Caller.Of(http);
        var command = AdjustPoints.Parse(
            request.AdjustmentId,
            request.Points,
            request.Reason,
            request.Qualifying ?? false,
            streams.Now,
            caller.Actor
        );
        caller.MayAdjust(command.Points, auth.Value.SupportAdjustmentLimit);
        var key = streams.Key($"adjustment/{id}/{command.AdjustmentId}", "adjustmentId", request);
        return new Adjusting(id, key, command, await programSettings.CurrentAsync(ct));
    }

    /// <summary>
    /// Adds or removes points by hand, with a mandatory reason: positive points add, negative remove, never below
    /// zero; support staff within their limit. Idempotent by <c>adjustmentId</c>.
    /// </summary>
    [Tags("Points")]
    [ProducesResponseType<PointsAdjustedResponse>(201)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/adjustments", OperationId = "adjustPoints")]
    [Authorize(Policy = Permissions.PointsAdjust)]
    public static Task<IResult> Post(
        AdjustPointsRequest? request, // the body: declared here for Wolverine, parsed by LoadAsync
        Adjusting write,
        EventStreams streams,
        CancellationToken ct
    ) => streams.Respond(write, StatusCodes.Status201Created, ct);
}

/// <summary>Adjusting: decided on the member's account; a qualifying credit may take them to a higher tier.</summary>
public sealed record Adjusting(Guid MemberId, IdempotencyKey Key, AdjustPoints Command, ProgramSettings Program)
    : MemberWrite<NoRecord, PointsAdjustedResponse>(MemberId, Key)
{
    public override IReadOnlyList<IMemberEvent> Decide(MemberState<NoRecord> state)
    {
        var adjusted = AdjustPoints.Decide(state.Account, Program, Command);
        return TierQualification.Following(state.Account, adjusted, Program, Command.At, Command.By);
    }

    public override PointsAdjustedResponse Answer(MemberWritten<NoRecord> written) =>
        PointsAdjustedResponse.From(
            written.Events.OfType<PointsAdjusted>().Single(),
            written.Balance(Program, Command.At)
        );
}
