using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Domain.Tiers;
using Loyalty.Projections.Members;
using Loyalty.Projections.Purchases;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Points;

public sealed record PurchaseLineRequest([Required] string? LineId, [Required] string? Sku, string? Category, [Required] decimal Quantity, [Required] decimal UnitPrice, decimal Discount);

public sealed record RecordPurchaseRequest(
    string? Source,
    [Required] string? TransactionId,
    Guid? MemberId,
    string? MemberExternalId,
    [Required] string? StoreId,
    [Required] Instant? OccurredAt,
    [Required] string? Currency,
    [Required] IReadOnlyList<PurchaseLineRequest>? Lines);

/// <summary>A line's points: <c>basePoints</c> at the earn rate, <c>points</c> with the multipliers.</summary>
public sealed record EarnedLineResponse(string LineId, decimal AmountPaid, int BasePoints, int Points);

/// <summary>A tier the purchase took the member to.</summary>
public sealed record TierReached(string? From, string To);

/// <summary>
/// What a purchase earned: <c>basePoints</c> at the earn rate, the <c>multipliers</c> applied (the member's tier's and
/// paid membership's; their bonuses add) and <c>multiplier</c> they make together, the points per line, and the tier
/// the purchase took the member to, if any.
/// </summary>
public sealed record PurchaseRecordedResponse(
    Guid MemberId, string Source, string TransactionId, int PointsEarned, int DeficitSettled, int RuleVersion,
    IReadOnlyList<EarnedLineResponse> Lines, BalanceResponse Balance, int BasePoints = 0, IReadOnlyList<EarnMultiplier>? Multipliers = null,
    decimal Multiplier = 1, TierReached? TierUpgrade = null);

public static class RecordPurchaseEndpoint
{
    /// <summary>
    /// Records a purchase and the points it earned under the program's current rule. The source is the calling
    /// key's (a <c>source</c> in the body must match it). Idempotent by source + <c>transactionId</c>: a retry
    /// answers the first answer again with <c>Idempotent-Replay: true</c>.
    /// </summary>
    [Tags("Points")]
    [ProducesResponseType<PurchaseRecordedResponse>(201)]
    [Refuses(400)]
    [Refuses(404)]
    [Refuses(409)]
    [Refuses(422)]
    [Idempotent]
    [WolverinePost("/purchases", OperationId = "recordPurchase")]
    [Authorize(Policy = Permissions.PointsEarn)]
    public static async Task<IResult> Post(RecordPurchaseRequest? request, EventStreams streams, IQuerySession session,
        ProgramSettingsCache programSettings, HttpContext http, CancellationToken ct)
    {
        request = Body.Required(request);
        var caller = Caller.Of(http);
        var source = Guard.Required(caller.SourceFor(Guard.Optional(request.Source, "source", 100)), "source", 100);
        caller.MayUseStore(request.StoreId);
        var transactionId = Guard.Required(request.TransactionId, "transactionId", 100);
        var occurredAt = request.OccurredAt ?? throw new InvalidInput("occurredAt", "is required");
        var memberId = await MemberOf(request, session, ct);
        var program = await programSettings.CurrentAsync(ct);
        var command = new RecordPurchase(source, transactionId, request.StoreId, occurredAt, request.Currency,
            request.Lines?.Select(l => l is null ? null! : new PurchaseLine(l.LineId, l.Sku, l.Category, l.Quantity, l.UnitPrice, l.Discount)).ToArray(),
            streams.Now, caller.Actor);

        return await PointsWrites.Append(streams, memberId, streams.Key($"purchase/{source}/{transactionId}", "transactionId", request), program,
            batch => batch.Load<PurchaseRecord>(PurchaseState.Key(source, transactionId)),
            (account, existing) => TierQualification.Following(account, RecordPurchase.Decide(account, existing?.Purchase, program, command),
                program, command.RecordedAt, caller.Actor),
            (written, balance) =>
            {
                var earned = written.Events.OfType<PointsEarned>().Single();
                var upgrade = written.Events.OfType<TierUpgraded>().SingleOrDefault();
                return new PurchaseRecordedResponse(memberId, source, transactionId, earned.Points, earned.DeficitSettled, earned.RuleVersion,
                    earned.Lines.Select(l => new EarnedLineResponse(l.LineId, l.AmountPaid, l.BasePoints ?? l.Points, l.Points)).ToArray(), balance,
                    earned.BasePoints ?? earned.Points, earned.Multipliers ?? [], EarnRule.Combined(earned.Multipliers?.Select(m => m.Factor) ?? []),
                    upgrade is null ? null : new TierReached(upgrade.From, upgrade.To));
            },
            StatusCodes.Status201Created, ct);
    }

    private static async Task<Guid> MemberOf(RecordPurchaseRequest request, IQuerySession session, CancellationToken ct)
    {
        if (request.MemberId is { } id)
        {
            if (request.MemberExternalId is not null) throw new InvalidInput("memberExternalId", "give memberId or memberExternalId, not both");
            return id;
        }
        var externalId = Guard.Required(request.MemberExternalId, "memberId", 100);
        var member = await session.Query<MemberView>().FirstOrDefaultAsync(m => m.ExternalId == externalId, ct);
        return member?.Id ?? throw new NotFound("memberExternalId", "no member has this externalId");
    }
}
