using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Points;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Loyalty.Projections.Purchases;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Loyalty.Api.Holds;

/// <summary>Give <c>points</c>, or an <c>amount</c> and its <c>currency</c>; <c>ttlSeconds</c> defaults to 900 (15 minutes).</summary>
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
    string? OrderReference);

/// <summary>Leave <c>points</c> out to capture all that is held; fewer captures part and releases the rest.</summary>
/// <param name="Points">The points to spend of those held; default all of them.</param>
/// <example>{"points":15}</example>
public sealed record CaptureHoldRequest(int? Points);

/// <summary>A hold and how it stands: <c>held</c>, <c>captured</c>, <c>released</c> or <c>expired</c> (released when its time ran out).</summary>
/// <param name="Points">The points reserved.</param>
/// <param name="CapturedPoints">The points spent when it was captured (0 until then).</param>
/// <param name="Value">What the points are worth at the program's point value, when it has one.</param>
/// <param name="ExpiresAt">When it is released by itself unless captured or released before.</param>
/// <param name="EndedAt">When it was captured, released or expired; null while held.</param>
/// <param name="Lots">The lots the points are reserved from.</param>
/// <param name="Balance">The member's balance after this write; null when the hold is only read.</param>
public sealed record HoldResponse(Guid MemberId, string HoldId, string Status, int Points, int CapturedPoints, Money? Value,
    string? OrderReference, Instant ExpiresAt, Instant? EndedAt, IReadOnlyList<LotTake> Lots, BalanceResponse? Balance)
{
    public static HoldResponse From(HoldState hold, BalanceResponse? balance) => new(hold.MemberId, hold.HoldId, hold.Status, hold.Points,
        hold.CapturedPoints, hold.Value, hold.OrderReference, hold.ExpiresAt, hold.EndedAt, hold.Taken, balance);
}

public static class HoldEndpoints
{
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
    public static async Task<IResult> Place(Guid id, PlaceHoldRequest? request, EventStreams streams, ProgramSettingsCache programSettings,
        IMartenOutbox outbox, HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        var holdId = Guard.Required(request.HoldId, "holdId", 100);
        var program = await programSettings.CurrentAsync(ct);
        var command = new PlaceHold(holdId, request.Points, request.Amount, request.Currency, request.TtlSeconds, request.OrderReference,
            streams.Now, Caller.Of(http).Actor);
        return await Write(streams, id, holdId, streams.Key($"hold/{id}/{holdId}", "holdId", request), program,
            (account, hold) => PlaceHold.Decide(account, hold, program, command), StatusCodes.Status201Created, ct,
            async (session, written) =>
            {
                // The release at the end of the hold's time to live commits with the hold, through the outbox: durable, never lost.
                if (written.Events.OfType<PointsHeld>().SingleOrDefault() is not { } held) return;
                outbox.Enroll(session);
                await outbox.ScheduleAsync(new ReleaseExpiredHold(id, holdId), (held.ExpiresAt - held.At).ToTimeSpan());
            });
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
    public static async Task<IResult> Capture(Guid id, string holdId, CaptureHoldRequest? request, EventStreams streams,
        ProgramSettingsCache programSettings, HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        var program = await programSettings.CurrentAsync(ct);
        var command = new CaptureHold(holdId, request.Points, streams.Now, Caller.Of(http).Actor);
        return await Write(streams, id, holdId, streams.Key($"capture/{id}/{holdId}", "points", new { holdId, points = request.Points?.ToString() ?? "all" }),
            program, (account, hold) => CaptureHold.Decide(account, hold, program, command), StatusCodes.Status200OK, ct);
    }

    /// <summary>Frees the held points. Releasing a released or expired hold changes nothing; a captured one: 409.</summary>
    [Tags("Holds")]
    [ProducesResponseType<HoldResponse>(200)]
    [Refuses(404)]
    [Refuses(409)]
    [Idempotent]
    [WolverinePost("/members/{id}/holds/{holdId}/release", OperationId = "releaseHold")]
    [Authorize(Policy = Permissions.PointsRedeem)]
    public static async Task<IResult> Release(Guid id, string holdId, EventStreams streams, ProgramSettingsCache programSettings,
        HttpContext http, CancellationToken ct)
    {
        var command = new ReleaseHold(holdId, streams.Now, Caller.Of(http).Actor);
        return await Write(streams, id, holdId, streams.Key($"release/{id}/{holdId}", "holdId", new { holdId }),
            await programSettings.CurrentAsync(ct), (account, hold) => ReleaseHold.Decide(account, hold, command), StatusCodes.Status200OK, ct);
    }

    /// <summary>A hold and how it stands.</summary>
    [Tags("Holds")]
    [ProducesResponseType<HoldResponse>(200)]
    [Refuses(404)]
    [WolverineGet("/members/{id}/holds/{holdId}", OperationId = "getHold")]
    [Authorize(Policy = Permissions.MembersRead)]
    public static async Task<IResult> Get(Guid id, string holdId, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<HoldRecord>(HoldState.Key(id, holdId), ct) is { } record
            ? Results.Json(HoldResponse.From(record.Hold, null))
            : Problems.For(new NotFound("holdId", "no such hold"));

    /// <summary>A write deciding on the member's account and the hold, answered with the hold as it stands after it.</summary>
    internal static Task<IResult> Write(EventStreams streams, Guid memberId, string holdId, IdempotencyKey? key, Domain.Rules.ProgramSettings program,
        Func<PointsAccount, HoldState?, IReadOnlyList<Domain.Members.IMemberEvent>> decide, int status, CancellationToken ct,
        Func<IDocumentSession, Written<PointsAccount, Domain.Members.IMemberEvent>, ValueTask>? alsoInTransaction = null)
    {
        holdId = Guard.Required(holdId, "holdId", 100);
        HoldState? before = null;
        return PointsWrites.Append(streams, memberId, key, program,
            batch => batch.Load<HoldRecord>(HoldState.Key(memberId, holdId)),
            (account, record) => decide(account, before = record?.Hold),
            (written, balance) => HoldResponse.From(written.Events.Aggregate(before, HoldState.Evolve)!, balance),
            status, ct, alsoInTransaction);
    }
}
