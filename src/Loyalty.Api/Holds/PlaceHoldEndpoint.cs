using System.ComponentModel.DataAnnotations;
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

/// <summary>
/// Give <c>points</c>, or an <c>amount</c> and its <c>currency</c>; <c>ttlSeconds</c> defaults to 900 (15 minutes).
/// </summary>
/// <param name="HoldId">The caller's id for the hold (the checkout's): the idempotency key.</param>
/// <param name="Points">The points to reserve.</param>
/// <param name="Amount">Instead of points: the money to reserve points for, at the program's point value.</param>
/// <param name="Currency">The amount's currency, ISO 4217; it must be the program's.</param>
/// <param name="TtlSeconds">How long the hold lasts unless captured or released: 60 to 604800 (a week); default 900.
/// </param>
/// <param name="OrderReference">The order the hold is for, for the caller's own reference.</param>
/// <example>{"holdId":"H-1","points":20,"ttlSeconds":900,"orderReference":"order-881"}</example>
public sealed record PlaceHoldRequest(
    [Required] string? HoldId,
    int? Points,
    decimal? Amount,
    string? Currency,
    int? TtlSeconds,
    string? OrderReference
);

public static class PlaceHoldEndpoint
{
    /// <summary>The write the request asks for: the body parsed, the caller checked, the key made.</summary>
    public static async Task<PlacingHold> LoadAsync(
        Guid id,
        PlaceHoldRequest? request,
        EventStreams streams,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var command = PlaceHold.Parse(
            request.HoldId,
            request.Points,
            request.Amount,
            request.Currency,
            request.TtlSeconds,
            request.OrderReference,
            streams.Now,
            Caller.Of(http).Actor
        );
        var key = streams.Key($"hold/{id}/{command.HoldId}", "holdId", request);
        return new PlacingHold(id, key, command, await programSettings.CurrentAsync(ct));
    }

    /// <summary>
    /// Reserves points at checkout from the available lots; nothing else may use them until the hold is captured or
    /// released, or its time to live runs out (then it is released by itself, once). Idempotent by <c>holdId</c>.
    /// </summary>
    [Tags("Holds")]
    [ProducesResponseType<HoldResponse>(201)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/members/{id}/holds", OperationId = "placeHold")]
    [Authorize(Policy = Permissions.PointsRedeem)]
    public static Task<IResult> Post(
        PlaceHoldRequest? request, // the body: declared here for Wolverine, parsed by LoadAsync
        PlacingHold write,
        EventStreams streams,
        CancellationToken ct
    ) => streams.Respond(write, StatusCodes.Status201Created, ct);
}

/// <summary>Placing a hold: its release at the end of its time to live commits with it, durable, never lost.</summary>
public sealed record PlacingHold(Guid MemberId, IdempotencyKey Key, PlaceHold Command, ProgramSettings Program)
    : HoldWrite(MemberId, Command.HoldId, Key, Program, Command.At)
{
    public override IReadOnlyList<IMemberEvent> Decide(MemberState<HoldRecord> state) =>
        PlaceHold.Decide(state.Account, state.Record?.Hold, Program, Command);

    public override IEnumerable<ScheduledMessage> Schedule(
        MemberState<HoldRecord> state,
        IReadOnlyList<IMemberEvent> events
    ) =>
        events
            .OfType<PointsHeld>()
            .Select(held => new ScheduledMessage(new ReleaseExpiredHold(MemberId, HoldId), held.ExpiresAt - held.At));
}
