using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Api.Members;
using Loyalty.Api.Referrals;
using Loyalty.Api.Rules;
using Loyalty.Domain.Access;
using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Common;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using Loyalty.Projections.Purchases;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Points;

/// <summary>A line brought back.</summary>
/// <param name="LineId">The line of the purchase, as its receipt named it.</param>
/// <param name="Quantity">How many of it come back (more than 0; at most what is left of the line).</param>
public sealed record ReturnLineRequest([Required] string? LineId, [Required] decimal Quantity);

/// <summary>Lines of a purchase brought back, in part or whole.</summary>
/// <param name="ReturnId">The return's id, unique within the purchase: the idempotency key.</param>
/// <param name="OccurredAt">When the goods came back; default now.</param>
/// <param name="Lines">The lines and quantities returned.</param>
/// <example>{"returnId":"RET-1","lines":[{"lineId":"1","quantity":1}]}</example>
public sealed record ReturnPurchaseRequest(
    [Required] string? ReturnId,
    Instant? OccurredAt,
    [Required] IReadOnlyList<ReturnLineRequest>? Lines
);

/// <summary>What a return took back from one campaign's award.</summary>
/// <param name="Campaign">The campaign's code.</param>
/// <param name="Version">The version that gave the award.</param>
/// <param name="Points">The points taken back.</param>
/// <param name="Withdrawn">Whether the whole award is now undone (its minimum no longer met, or all it counted
/// returned); the member's limit gets its use back.</param>
public sealed record CampaignReversedResponse(string Campaign, int Version, int Points, bool Withdrawn);

/// <summary>What a return reversed: exactly the points the returned units earned.</summary>
/// <param name="PointsReversed">All points the return took back.</param>
/// <param name="TakenFromBalance">The part taken from the member's points.</param>
/// <param name="AddedToDeficit">The part the member had already spent: a deficit the next credits settle.</param>
/// <param name="Lines">The points reversed per line.</param>
/// <param name="Balance">The member's balance after the return.</param>
/// <param name="Campaigns">What the return took back from each campaign that gave on the purchase.</param>
public sealed record PointsReversedResponse(
    Guid MemberId,
    string Source,
    string TransactionId,
    string ReturnId,
    int PointsReversed,
    int TakenFromBalance,
    int AddedToDeficit,
    IReadOnlyList<ReversedLine> Lines,
    BalanceResponse Balance,
    IReadOnlyList<CampaignReversedResponse>? Campaigns = null
)
{
    public static PointsReversedResponse From(PointsReversed e, BalanceResponse balance) =>
        new(
            e.MemberId,
            e.Source,
            e.TransactionId,
            e.ReturnId,
            e.Points,
            e.TakenFromBalance,
            e.AddedToDeficit,
            e.Lines,
            balance
        );
}

public static class ReturnPurchaseEndpoint
{
    /// <summary>The request, checked and turned into the write; the purchase names the member.</summary>
    public static async Task<ReturningPurchase> LoadAsync(
        string source,
        string transactionId,
        ReturnPurchaseRequest? request,
        EventStreams streams,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        source = Guard.Required(source, "source", 100);
        transactionId = Guard.Required(transactionId, "transactionId", 100);
        var caller = Caller.Of(http);
        caller.SourceFor(source);
        var lines = request.Lines?.Select(l => l is null ? null : new ReturnLine(l.LineId, l.Quantity)).ToArray();
        var command = ReturnPurchase.Parse(
            source,
            transactionId,
            request.ReturnId,
            lines,
            request.OccurredAt ?? streams.Now,
            streams.Now,
            caller.Actor
        );
        // The purchase names the member and its store; the write reads it again, with the returns made since.
        var purchase =
            await session.LoadAsync<PurchaseRecord>(PurchaseState.Key(source, transactionId), ct)
            ?? throw new NotFound("transactionId", "no such purchase");
        caller.MayUseStore(purchase.Purchase.StoreId);
        var key = streams.Key($"return/{source}/{transactionId}/{command.ReturnId}", "returnId", request);
        var campaigns = purchase.Purchase.Awards?.Select(a => a.Campaign).Distinct().ToList() ?? [];
        return new ReturningPurchase(
            purchase.Purchase.MemberId,
            key,
            command,
            await programSettings.CurrentAsync(ct),
            campaigns
        );
    }

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
    public static Task<IResult> Post(
        ReturnPurchaseRequest? request, // the body: declared here for Wolverine, parsed by LoadAsync
        ReturningPurchase write,
        EventStreams streams,
        CancellationToken ct
    ) => streams.Respond(write, StatusCodes.Status201Created, ct);
}

/// <summary>
/// Returning: decided on the member's account and the purchase as it stands, returns so far included.
/// </summary>
public sealed record ReturningPurchase(
    Guid MemberId,
    IdempotencyKey Key,
    ReturnPurchase Command,
    ProgramSettings Program,
    IReadOnlyList<string> AwardingCampaigns
) : MemberWrite<PurchaseRecord, PointsReversedResponse>(MemberId, Key)
{
    protected override string RecordId => PurchaseState.Key(Command.Source, Command.TransactionId);

    /// <summary>The campaigns that gave on the purchase: the return gives their budgets back.</summary>
    protected override IEnumerable<string> CampaignCodes => AwardingCampaigns;

    public override IReadOnlyList<IMemberEvent> Decide(MemberState<PurchaseRecord> state) =>
        ReturnPurchase.DecideWithCampaigns(state.Account, state.Record?.Purchase, Command);

    /// <summary>A referral this purchase qualified hears of the return.</summary>
    public override IEnumerable<ScheduledMessage> Schedule(
        MemberState<PurchaseRecord> state,
        IReadOnlyList<IMemberEvent> events
    ) => events.Count == 0 ? [] : [new(new ReferredPurchaseChanged(MemberId, RecordId, false), Duration.Zero)];

    public override PointsReversedResponse Answer(MemberWritten<PurchaseRecord> written) =>
        PointsReversedResponse.From(
            written.Events.OfType<PointsReversed>().Single(),
            written.Balance(Program, Command.RecordedAt)
        ) with
        {
            Campaigns = written
                .Events.OfType<CampaignPointsReversed>()
                .SelectMany(e => e.Reversals)
                .Select(r => new CampaignReversedResponse(r.Campaign, r.Version, r.Points, r.Withdrawn))
                .ToList(),
        };
}
