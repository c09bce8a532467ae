using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Loyalty.Projections.Purchases;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Points;

public sealed record ReturnLineRequest([Required] string? LineId, [Required] decimal Quantity);

public sealed record ReturnPurchaseRequest([Required] string? ReturnId, Instant? OccurredAt, [Required] IReadOnlyList<ReturnLineRequest>? Lines);

public sealed record PointsReversedResponse(
    Guid MemberId, string Source, string TransactionId, string ReturnId, int PointsReversed, int TakenFromBalance, int AddedToDeficit,
    IReadOnlyList<ReversedLine> Lines, BalanceResponse Balance);

public static class ReturnPurchaseEndpoint
{
    /// <summary>
    /// Returns lines of a purchase and reverses exactly the points they earned. Points the member already
    /// spent become a deficit; the balance never goes below zero. Idempotent by <c>returnId</c> within the purchase.
    /// </summary>
    [Tags("Points")]
    [ProducesResponseType<PointsReversedResponse>(201)]
    [Refuses(400)]
    [Refuses(403)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/purchases/{source}/{transactionId}/returns", OperationId = "returnPurchase")]
    [Authorize(Policy = Permissions.PointsEarn)]
    public static async Task<IResult> Post(string source, string transactionId, ReturnPurchaseRequest? request,
        EventStreams streams, IQuerySession session, ProgramSettingsCache programSettings, HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        var returnId = Guard.Required(request.ReturnId, "returnId", 100);
        source = Guard.Required(source, "source", 100);
        transactionId = Guard.Required(transactionId, "transactionId", 100);
        var caller = Caller.Of(http);
        caller.SourceFor(source);
        var key = PurchaseState.Key(source, transactionId);
        var purchase = (await session.LoadAsync<PurchaseRecord>(key, ct))?.Purchase ?? throw new NotFound("transactionId", "no such purchase");
        caller.MayUseStore(purchase.StoreId);
        var command = new ReturnPurchase(source, transactionId, returnId,
            request.Lines?.Select(l => l is null ? null! : new ReturnLine(l.LineId, l.Quantity)).ToArray(),
            request.OccurredAt ?? streams.Now, streams.Now, caller.Actor);

        return await PointsWrites.Append(streams, purchase.MemberId,
            streams.Key($"return/{source}/{transactionId}/{returnId}", "returnId", request), await programSettings.CurrentAsync(ct),
            batch => batch.Load<PurchaseRecord>(key),
            (account, current) => ReturnPurchase.Decide(account, current?.Purchase, command),
            (written, balance) =>
            {
                var reversed = (PointsReversed)written.Events.Single();
                return new PointsReversedResponse(purchase.MemberId, source, transactionId, returnId, reversed.Points,
                    reversed.TakenFromBalance, reversed.AddedToDeficit, reversed.Lines, balance);
            },
            StatusCodes.Status201Created, ct);
    }
}
