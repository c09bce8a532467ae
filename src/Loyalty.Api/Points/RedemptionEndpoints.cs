using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Loyalty.Projections.Purchases;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Points;

public sealed record RedeemPointsRequest(string? RedemptionId, int Points, string? Reward, string? Channel);

public sealed record PointsRedeemedResponse(Guid MemberId, string RedemptionId, int Points, BalanceResponse Balance);

public sealed record CancelRedemptionRequest(string? Reason);

public sealed record RedemptionCancelledResponse(Guid MemberId, string RedemptionId, int PointsReturned, int DeficitSettled, BalanceResponse Balance);

public static class RedeemPointsEndpoint
{
    /// <summary>Spends points on a reward; refused with 422 naming the available amount when short. Idempotent by <c>redemptionId</c>.</summary>
    [Tags("Points")]
    [ProducesResponseType<PointsRedeemedResponse>(201)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [WolverinePost("/members/{id}/redemptions", OperationId = "redeemPoints")]
    [Authorize(Policy = Permissions.PointsRedeem)]
    public static Task<IResult> Post(Guid id, RedeemPointsRequest? request, EventStreams streams, HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        var redemptionId = Guard.Required(request.RedemptionId, "redemptionId", 100);
        var command = new RedeemPoints(redemptionId, request.Points, request.Reward, request.Channel, streams.Now, Caller.Of(http).Actor);
        return PointsWrites.Append(streams, id, streams.Key($"redemption/{id}/{redemptionId}", "redemptionId", request),
            batch => batch.Load<RedemptionRecord>(RedemptionState.Key(id, redemptionId)),
            (account, existing) => RedeemPoints.Decide(account, existing?.Redemption, command),
            (written, balance) => new PointsRedeemedResponse(id, redemptionId, command.Points, balance),
            StatusCodes.Status201Created, ct);
    }
}

public static class CancelRedemptionEndpoint
{
    /// <summary>Cancels a redemption and gives its points back, once: cancelling again answers the first cancellation.</summary>
    [Tags("Points")]
    [ProducesResponseType<RedemptionCancelledResponse>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [WolverinePost("/members/{id}/redemptions/{redemptionId}/cancellation", OperationId = "cancelRedemption")]
    [Authorize(Policy = Permissions.PointsRedeem)]
    public static Task<IResult> Post(Guid id, string redemptionId, CancelRedemptionRequest? request, EventStreams streams, HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        redemptionId = Guard.Required(redemptionId, "redemptionId", 100);
        var command = new CancelRedemption(redemptionId, request.Reason, streams.Now, Caller.Of(http).Actor);
        return PointsWrites.Append(streams, id, streams.Key($"cancellation/{id}/{redemptionId}", "redemptionId", new { redemptionId }),
            batch => batch.Load<RedemptionRecord>(RedemptionState.Key(id, redemptionId)),
            (account, redemption) => CancelRedemption.Decide(account, redemption?.Redemption, command),
            (written, balance) => new RedemptionCancelledResponse(id, redemptionId, written.Events.OfType<RedemptionCancelled>().Sum(c => c.Points),
                written.Events.OfType<RedemptionCancelled>().Sum(c => c.DeficitSettled), balance),
            StatusCodes.Status200OK, ct);
    }
}

public sealed record AdjustPointsRequest(string? AdjustmentId, int Points, string? Reason);

public sealed record PointsAdjustedResponse(Guid MemberId, string AdjustmentId, int Points, int DeficitSettled, BalanceResponse Balance);

public static class AdjustPointsEndpoint
{
    /// <summary>
    /// Adds (positive) or removes (negative) points by hand with a mandatory reason; never below zero; support
    /// staff within their limit. Idempotent by <c>adjustmentId</c>.
    /// </summary>
    [Tags("Points")]
    [ProducesResponseType<PointsAdjustedResponse>(201)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [WolverinePost("/members/{id}/adjustments", OperationId = "adjustPoints")]
    [Authorize(Policy = Permissions.PointsAdjust)]
    public static Task<IResult> Post(Guid id, AdjustPointsRequest? request, EventStreams streams, HttpContext http,
        Microsoft.Extensions.Options.IOptions<AuthSettings> auth, CancellationToken ct)
    {
        request = Body.Required(request);
        var adjustmentId = Guard.Required(request.AdjustmentId, "adjustmentId", 100);
        Caller.Of(http).MayAdjust(request.Points, auth.Value.SupportAdjustmentLimit);
        var command = new AdjustPoints(adjustmentId, request.Points, request.Reason, streams.Now, Caller.Of(http).Actor);
        return PointsWrites.Append(streams, id, streams.Key($"adjustment/{id}/{adjustmentId}", "adjustmentId", request),
            account => AdjustPoints.Decide(account, command),
            (written, balance) => new PointsAdjustedResponse(id, adjustmentId, command.Points,
                ((PointsAdjusted)written.Events.Single()).DeficitSettled, balance),
            StatusCodes.Status201Created, ct);
    }
}
