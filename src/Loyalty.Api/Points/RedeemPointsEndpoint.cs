using System.ComponentModel.DataAnnotations;
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
using Wolverine.Http;

namespace Loyalty.Api.Points;

/// <summary>
/// Give <c>points</c>, or an <c>amount</c> and its <c>currency</c> for points to pay for at the program's point value.
/// </summary>
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
    string? Currency = null
);

/// <summary>A redemption made.</summary>
/// <param name="Points">The points spent.</param>
/// <param name="Value">What they are worth at the program's point value, when it has one.</param>
/// <param name="Lots">The lots the points were taken from (soonest expiry first).</param>
/// <param name="Balance">The member's balance after the redemption.</param>
public sealed record PointsRedeemedResponse(
    Guid MemberId,
    string RedemptionId,
    int Points,
    Money? Value,
    IReadOnlyList<LotTake> Lots,
    BalanceResponse Balance
)
{
    public static PointsRedeemedResponse From(PointsRedeemed e, BalanceResponse balance) =>
        new(e.MemberId, e.RedemptionId, e.Points, e.Value, e.Taken ?? [], balance);
}

public static class RedeemPointsEndpoint
{
    /// <summary>The write the request asks for: the body parsed, the caller checked, the key made.</summary>
    public static async Task<Redeeming> LoadAsync(
        Guid id,
        RedeemPointsRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var command = RedeemPoints.Parse(
            request.RedemptionId,
            request.Points,
            request.Amount,
            request.Currency,
            request.Reward,
            request.Channel,
            streams.Now,
            Caller.Of(http).Actor
        );
        var key = streams.Key($"redemption/{id}/{command.RedemptionId}", "redemptionId", request);
        return new Redeeming(id, key, command, await programSettings.CurrentAsync(ct));
    }

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
    public static Task<IResult> Post(
        RedeemPointsRequest? request, // the body: declared here for Wolverine, parsed by LoadAsync
        Redeeming write,
        EventStreams streams,
        CancellationToken ct
    ) => streams.Respond(write, StatusCodes.Status201Created, ct);
}

/// <summary>Redeeming: decided on the member's account and any redemption already made under the same id.</summary>
public sealed record Redeeming(Guid MemberId, IdempotencyKey Key, RedeemPoints Command, ProgramSettings Program)
    : MemberWrite<RedemptionRecord, PointsRedeemedResponse>(MemberId, Key)
{
    protected override string RecordId => RedemptionState.Key(MemberId, Command.RedemptionId);

    public override IReadOnlyList<IMemberEvent> Decide(MemberState<RedemptionRecord> state) =>
        RedeemPoints.Decide(state.Account, state.Record?.Redemption, Program, Command);

    public override PointsRedeemedResponse Answer(MemberWritten<RedemptionRecord> written) =>
        PointsRedeemedResponse.From(
            written.Events.OfType<PointsRedeemed>().Single(),
            written.Balance(Program, Command.At)
        );
}
