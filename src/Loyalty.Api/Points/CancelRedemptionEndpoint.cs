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

namespace Loyalty.Api.Points;

public sealed record CancelRedemptionRequest(string? Reason);

/// <summary><c>expiredAtOnce</c>: returned points whose lot had expired meanwhile, and so expired on return.</summary>
public sealed record RedemptionCancelledResponse(
    Guid MemberId,
    string RedemptionId,
    int PointsReturned,
    int DeficitSettled,
    int ExpiredAtOnce,
    BalanceResponse Balance
)
{
    /// <summary>What the cancellation gave back; cancelling again gives nothing back.</summary>
    public static RedemptionCancelledResponse From(
        Guid memberId,
        string redemptionId,
        IReadOnlyList<IMemberEvent> events,
        BalanceResponse balance
    )
    {
        var cancelled = events.OfType<RedemptionCancelled>().ToList();
        return new(
            memberId,
            redemptionId,
            cancelled.Sum(c => c.Points),
            cancelled.Sum(c => c.DeficitSettled),
            cancelled.Sum(Movement.ExpiredAtOnce),
            balance
        );
    }
}

public static class CancelRedemptionEndpoint
{
    /// <summary>The write the request asks for: the body parsed, the caller checked, the key made.</summary>
    public static async Task<CancellingRedemption> LoadAsync(
        Guid id,
        string redemptionId,
        CancelRedemptionRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var command = CancelRedemption.Parse(redemptionId, request.Reason, streams.Now, Caller.Of(http).Actor);
        var key = streams.Key(
            $"cancellation/{id}/{command.RedemptionId}",
            "redemptionId",
            new { redemptionId = command.RedemptionId }
        );
        return new CancellingRedemption(id, key, command, await programSettings.CurrentAsync(ct));
    }

    /// <summary>
    /// Cancels a redemption and gives its points back, once: cancelling again answers the first cancellation.
    /// </summary>
    [Tags("Points")]
    [ProducesResponseType<RedemptionCancelledResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [Idempotent]
    [WolverinePost("/members/{id}/redemptions/{redemptionId}/cancellation", OperationId = "cancelRedemption")]
    [Authorize(Policy = Permissions.PointsRedeem)]
    public static Task<IResult> Post(
        CancelRedemptionRequest? request, // the body: declared here for Wolverine, parsed by LoadAsync
        CancellingRedemption write,
        EventStreams streams,
        CancellationToken ct
    ) => streams.Respond(write, StatusCodes.Status200OK, ct);
}

/// <summary>Cancelling: decided on the member's account and the redemption as it stands.</summary>
public sealed record CancellingRedemption(
    Guid MemberId,
    IdempotencyKey Key,
    CancelRedemption Command,
    ProgramSettings Program
) : MemberWrite<RedemptionRecord, RedemptionCancelledResponse>(MemberId, Key)
{
    protected override string RecordId => RedemptionState.Key(MemberId, Command.RedemptionId);

    public override IReadOnlyList<IMemberEvent> Decide(MemberState<RedemptionRecord> state) =>
        CancelRedemption.Decide(state.Account, state.Record?.Redemption, Command);

    public override RedemptionCancelledResponse Answer(MemberWritten<RedemptionRecord> written) =>
        RedemptionCancelledResponse.From(
            MemberId,
            Command.RedemptionId,
            written.Events,
            written.Balance(Program, Command.At)
        );
}
