using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Loyalty.Domain.Tiers;
using Loyalty.Projections.Purchases;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Loyalty.Api.Points;

/// <summary>Give <c>points</c>, or an <c>amount</c> and its <c>currency</c> for points to pay for at the program's point value.</summary>
/// <param name="RedemptionId">The caller's id for the redemption: the idempotency key.</param>
/// <param name="Points">The points to spend (more than 0).</param>
/// <param name="Reward">What the points buy, as the member will see it.</param>
/// <param name="Channel">Where it was redeemed (pos, app, web…), for reports.</param>
/// <param name="Amount">Instead of points: the money to pay with points; the points needed are rounded up.</param>
/// <param name="Currency">The amount's currency, ISO 4217; it must be the program's.</param>
/// <example>{"redemptionId":"RDM-1","points":10,"reward":"free coffee","channel":"pos"}</example>
public sealed record RedeemPointsRequest(
    [Required] string? RedemptionId,
    int? Points,
    [Required] string? Reward,
    string? Channel,
    decimal? Amount = null,
    string? Currency = null);

/// <summary>A redemption made.</summary>
/// <param name="Points">The points spent.</param>
/// <param name="Value">What they are worth at the program's point value, when it has one.</param>
/// <param name="Lots">The lots the points were taken from (soonest expiry first).</param>
/// <param name="Balance">The member's balance after the redemption.</param>
public sealed record PointsRedeemedResponse(Guid MemberId, string RedemptionId, int Points, Money? Value, IReadOnlyList<LotTake> Lots, BalanceResponse Balance);

public sealed record CancelRedemptionRequest(string? Reason);

/// <summary><c>expiredAtOnce</c>: returned points whose lot had expired meanwhile, and so expired on return.</summary>
public sealed record RedemptionCancelledResponse(Guid MemberId, string RedemptionId, int PointsReturned, int DeficitSettled, int ExpiredAtOnce, BalanceResponse Balance);

public static class RedeemPointsEndpoint
{
    /// <summary>
    /// Spends points on a reward, taken from the available lots that expire soonest; given as points or as a money
    /// amount (the points needed are rounded up). Refused with 422 naming the available amount when short.
    /// Idempotent by <c>redemptionId</c>.
    /// </summary>
    [Tags("Points")]
    [ProducesResponseType<PointsRedeemedResponse>(201)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/redemptions", OperationId = "redeemPoints")]
    [Authorize(Policy = Permissions.PointsRedeem)]
    public static async Task<IResult> Post(Guid id, RedeemPointsRequest? request, EventStreams streams, ProgramSettingsCache programSettings,
        HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        var redemptionId = Guard.Required(request.RedemptionId, "redemptionId", 100);
        var command = new RedeemPoints(redemptionId, request.Points, request.Reward, request.Channel, streams.Now, Caller.Of(http).Actor,
            request.Amount, request.Currency);
        var program = await programSettings.CurrentAsync(ct);
        return await PointsWrites.Append(streams, id, streams.Key($"redemption/{id}/{redemptionId}", "redemptionId", request), program,
            batch => batch.Load<RedemptionRecord>(RedemptionState.Key(id, redemptionId)),
            (account, existing) => RedeemPoints.Decide(account, existing?.Redemption, program, command),
            (written, balance) =>
            {
                var redeemed = (PointsRedeemed)written.Events.Single();
                return new PointsRedeemedResponse(id, redemptionId, redeemed.Points, redeemed.Value, redeemed.Taken ?? [], balance);
            },
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
    [Idempotent]
    [WolverinePost("/members/{id}/redemptions/{redemptionId}/cancellation", OperationId = "cancelRedemption")]
    [Authorize(Policy = Permissions.PointsRedeem)]
    public static async Task<IResult> Post(Guid id, string redemptionId, CancelRedemptionRequest? request, EventStreams streams,
        ProgramSettingsCache programSettings, HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        redemptionId = Guard.Required(redemptionId, "redemptionId", 100);
        var command = new CancelRedemption(redemptionId, request.Reason, streams.Now, Caller.Of(http).Actor);
        return await PointsWrites.Append(streams, id, streams.Key($"cancellation/{id}/{redemptionId}", "redemptionId", new { redemptionId }),
            await programSettings.CurrentAsync(ct),
            batch => batch.Load<RedemptionRecord>(RedemptionState.Key(id, redemptionId)),
            (account, redemption) => CancelRedemption.Decide(account, redemption?.Redemption, command),
            (written, balance) =>
            {
                var cancelled = written.Events.OfType<RedemptionCancelled>().ToList();
                return new RedemptionCancelledResponse(id, redemptionId, cancelled.Sum(c => c.Points), cancelled.Sum(c => c.DeficitSettled),
                    cancelled.Sum(Movement.ExpiredAtOnce), balance);
            },
            StatusCodes.Status200OK, ct);
    }
}

/// <summary><c>qualifying</c>: a credit that counts toward tiers (a bonus the program counts), default false.</summary>
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
    bool? Qualifying = null);

public sealed record PointsAdjustedResponse(Guid MemberId, string AdjustmentId, int Points, int DeficitSettled, BalanceResponse Balance);

public static class AdjustPointsEndpoint
{
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
    public static async Task<IResult> Post(Guid id, AdjustPointsRequest? request, EventStreams streams, HttpContext http,
        Microsoft.Extensions.Options.IOptions<AuthSettings> auth, ProgramSettingsCache programSettings, CancellationToken ct)
    {
        request = Body.Required(request);
        var adjustmentId = Guard.Required(request.AdjustmentId, "adjustmentId", 100);
        Caller.Of(http).MayAdjust(request.Points, auth.Value.SupportAdjustmentLimit);
        var command = new AdjustPoints(adjustmentId, request.Points, request.Reason, streams.Now, Caller.Of(http).Actor, request.Qualifying ?? false);
        var program = await programSettings.CurrentAsync(ct);
        return await PointsWrites.Append(streams, id, streams.Key($"adjustment/{id}/{adjustmentId}", "adjustmentId", request), program,
            account => TierQualification.Following(account, AdjustPoints.Decide(account, program, command), program, command.At, command.By),
            (written, balance) => new PointsAdjustedResponse(id, adjustmentId, command.Points,
                written.Events.OfType<PointsAdjusted>().Single().DeficitSettled, balance),
            StatusCodes.Status201Created, ct);
    }
}
