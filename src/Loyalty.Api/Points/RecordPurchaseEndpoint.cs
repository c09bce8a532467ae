using System.ComponentModel.DataAnnotations;
using Loyalty.Api.Auth;
using Loyalty.Api.Campaigns;
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
using Loyalty.Domain.Tiers;
using Loyalty.Projections.Members;
using Loyalty.Projections.Purchases;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace Loyalty.Api.Points;

/// <summary>A line of the receipt.</summary>
/// <param name="LineId">The line's id on the receipt, unique within it; a return names it.</param>
/// <param name="Sku">The article's stock keeping unit.</param>
/// <param name="Category">The article's category, for earn rules and reports.</param>
/// <param name="Quantity">How many were bought (more than 0; may have decimals, e.g. 1.25 kg).</param>
/// <param name="UnitPrice">The price of one, in the purchase's currency, before the discount.</param>
/// <param name="Discount">The discount on the whole line, in money (default 0; at most quantity × unitPrice).</param>
public sealed record PurchaseLineRequest(
    [Required] string? LineId,
    [Required] string? Sku,
    string? Category,
    [Required] decimal Quantity,
    [Required] decimal UnitPrice,
    decimal Discount
);

/// <summary>A purchase as the till or the shop recorded it.</summary>
/// <param name="Source">The system that recorded the purchase: the calling key's own source, the default. A key may
/// only name its own.</param>
/// <param name="TransactionId">The receipt's id in the source system: the idempotency key. Sending it again with the
/// same content answers the first answer again; with other content it is a 409.</param>
/// <param name="MemberId">The member, by our id. Give this or <c>memberExternalId</c>.</param>
/// <param name="MemberExternalId">The member, by the caller's id for them (a card number).</param>
/// <param name="StoreId">The store the purchase was made in; a key bound to stores may name only those.</param>
/// <param name="OccurredAt">When the purchase happened (at most 5 minutes ahead of the service's clock).</param>
/// <param name="Currency">The purchase's currency, ISO 4217; it must be the program's.</param>
/// <param name="Lines">The receipt's lines; points are earned per line.</param>
/// <param name="Channel">Where it was bought (e.g. <c>store</c>, <c>online</c>, <c>app</c>), for campaigns.</param>
/// <param name="PaymentFingerprint">The payment card's or account's fingerprint from the payment provider, for the
/// referral fraud controls; only a hash of it is kept.</param>
/// <example>
/// {"transactionId":"T-1001","memberExternalId":"card-4711","storeId":"store-12","occurredAt":"2026-11-24T10:00:00Z",
///  "currency":"EUR","lines":[
///  {"lineId":"1","sku":"COFFEE-1KG","category":"grocery","quantity":2,"unitPrice":12.50,"discount":1.00},
///  {"lineId":"2","sku":"MUG","category":"home","quantity":1,"unitPrice":8.99}]}
/// </example>
public sealed record RecordPurchaseRequest(
    string? Source,
    [Required] string? TransactionId,
    Guid? MemberId,
    string? MemberExternalId,
    [Required] string? StoreId,
    [Required] Instant? OccurredAt,
    [Required] string? Currency,
    [Required] IReadOnlyList<PurchaseLineRequest>? Lines,
    string? Channel = null,
    string? PaymentFingerprint = null
);

/// <summary>What one campaign gave one line.</summary>
/// <param name="Campaign">The campaign's code.</param>
/// <param name="Version">The campaign's version that gave.</param>
/// <param name="Effect">Its effect's kind.</param>
/// <param name="Points">The points it gave the line.</param>
public sealed record LineCampaignPoints(string Campaign, int Version, string Effect, int Points);

/// <summary>
/// A line's points: <c>basePoints</c> at the earn rate, <c>points</c> with the multipliers, and what each campaign
/// added on top (<c>campaigns</c>).
/// </summary>
public sealed record EarnedLineResponse(
    string LineId,
    decimal AmountPaid,
    int BasePoints,
    int Points,
    IReadOnlyList<LineCampaignPoints>? Campaigns = null
);

/// <summary>What one campaign gave, and why, in words.</summary>
/// <param name="Campaign">The campaign's code.</param>
/// <param name="Version">The campaign's version that gave.</param>
/// <param name="Effect">Its effect's kind.</param>
/// <param name="Points">The points it gave.</param>
/// <param name="Explanation">E.g. "summer-coffee v3: ×2 on COFFEE-1KG, +24".</param>
/// <param name="Qualifying">Whether the points count toward tiers.</param>
/// <param name="ExpiresAt">When they expire; null: never.</param>
public sealed record CampaignAwardResponse(
    string Campaign,
    int Version,
    string Effect,
    int Points,
    string Explanation,
    bool Qualifying,
    Instant? ExpiresAt
)
{
    public static IReadOnlyList<CampaignAwardResponse> Of(IEnumerable<IMemberEvent> events) =>
        events
            .OfType<CampaignPointsEarned>()
            .SelectMany(e => e.Awards)
            .Select(a => new CampaignAwardResponse(
                a.Campaign,
                a.Version,
                a.Effect,
                a.Points,
                a.Explanation,
                a.Qualifying,
                a.ExpiresAt
            ))
            .ToList();
}

/// <summary>A tier the purchase took the member to.</summary>
public sealed record TierReached(string? From, string To);

/// <summary>
/// What a purchase earned: <c>basePoints</c> at the earn rate, the <c>multipliers</c> applied (the member's tier's and
/// paid membership's; their bonuses add) and <c>multiplier</c> they make together, the points per line, and the tier
/// the purchase took the member to, if any.
/// </summary>
/// <param name="MemberId">The member who earned.</param>
/// <param name="Source">The system the purchase is recorded under.</param>
/// <param name="TransactionId">The receipt's id in that system.</param>
/// <param name="PointsEarned">The points credited, after settling any deficit (see <c>deficitSettled</c>).</param>
/// <param name="DeficitSettled">Points of the purchase that went to settle a deficit left by earlier returns.</param>
/// <param name="RuleVersion">The program's rule version that priced the purchase.</param>
/// <param name="Lines">The points of each line.</param>
/// <param name="Balance">The member's balance after the purchase.</param>
/// <param name="BasePoints">The points at the earn rate, before multipliers.</param>
/// <param name="Multipliers">The multipliers applied, each with where it comes from.</param>
/// <param name="Multiplier">The multipliers combined (their bonuses add: 1.5 and 2 make 2.5).</param>
/// <param name="TierUpgrade">The tier the purchase took the member to, or null.</param>
/// <param name="CampaignPoints">What campaigns gave on top of <c>pointsEarned</c>.</param>
/// <param name="TotalPoints">Everything the purchase earned: <c>pointsEarned</c> + <c>campaignPoints</c> (before
/// settling a deficit).</param>
/// <param name="Campaigns">Each campaign's award, explained.</param>
/// <param name="Withheld">Campaigns that matched but gave nothing, and why (a limit, the budget, an exclusive
/// campaign).</param>
public sealed record PurchaseRecordedResponse(
    Guid MemberId,
    string Source,
    string TransactionId,
    int PointsEarned,
    int DeficitSettled,
    int RuleVersion,
    IReadOnlyList<EarnedLineResponse> Lines,
    BalanceResponse Balance,
    int BasePoints = 0,
    IReadOnlyList<EarnMultiplier>? Multipliers = null,
    decimal Multiplier = 1,
    TierReached? TierUpgrade = null,
    int CampaignPoints = 0,
    int TotalPoints = 0,
    IReadOnlyList<CampaignAwardResponse>? Campaigns = null,
    IReadOnlyList<CampaignWithheld>? Withheld = null
)
{
    public static PurchaseRecordedResponse From(
        IReadOnlyList<IMemberEvent> events,
        BalanceResponse balance,
        IReadOnlyList<CampaignWithheld> withheld
    )
    {
        var earned = events.OfType<PointsEarned>().Single();
        var upgrade = events.OfType<TierUpgraded>().SingleOrDefault();
        var awards = events.OfType<CampaignPointsEarned>().SelectMany(e => e.Awards).ToList();
        var lines = earned
            .Lines.Select(l => new EarnedLineResponse(
                l.LineId,
                l.AmountPaid,
                l.BasePoints ?? l.Points,
                l.Points,
                awards
                    .SelectMany(a =>
                        (a.Lines ?? [])
                            .Where(p => p.LineId == l.LineId && p.Points > 0)
                            .Select(p => new LineCampaignPoints(a.Campaign, a.Version, a.Effect, p.Points))
                    )
                    .ToList()
            ))
            .ToArray();
        var multipliers = earned.Multipliers ?? [];
        return new(
            earned.MemberId,
            earned.Source,
            earned.TransactionId,
            earned.Points,
            earned.DeficitSettled,
            earned.RuleVersion,
            lines,
            balance,
            BasePoints: earned.BasePoints ?? earned.Points,
            Multipliers: multipliers,
            Multiplier: EarnRule.Combined(multipliers.Select(m => m.Factor)),
            TierUpgrade: upgrade is null ? null : new TierReached(upgrade.From, upgrade.To),
            CampaignPoints: awards.Sum(a => a.Points),
            TotalPoints: earned.Points + awards.Sum(a => a.Points),
            Campaigns: CampaignAwardResponse.Of(events),
            Withheld: withheld
        );
    }
}

public static class RecordPurchaseEndpoint
{
    /// <summary>The write the request asks for: the body parsed, the caller checked, the key made.</summary>
    public static async Task<RecordingPurchase> LoadAsync(
        RecordPurchaseRequest? request,
        EventStreams streams,
        IQuerySession session,
        ProgramSettingsCache programSettings,
        CampaignsCache campaigns,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var caller = Caller.Of(http);
        var source = caller.SourceFor(Guard.Optional(request.Source, "source", 100));
        caller.MayUseStore(request.StoreId);
        var lines = request
            .Lines?.Select(l =>
                l is null ? null : new PurchaseLine(l.LineId, l.Sku, l.Category, l.Quantity, l.UnitPrice, l.Discount)
            )
            .ToArray();
        var command = RecordPurchase.Parse(
            source,
            request.TransactionId,
            request.StoreId,
            request.OccurredAt,
            request.Currency,
            lines,
            streams.Now,
            caller.Actor,
            request.Channel,
            request.PaymentFingerprint
        );
        var memberId = await MemberOf(request, session, ct);
        var key = streams.Key($"purchase/{command.Source}/{command.TransactionId}", "transactionId", request);
        return new RecordingPurchase(
            memberId,
            key,
            command,
            await programSettings.CurrentAsync(ct),
            await campaigns.ForAsync(ct, CampaignTrigger.Purchase, CampaignTrigger.FirstPurchase)
        );
    }

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
    public static Task<IResult> Post(
        RecordPurchaseRequest? request, // the body: declared here for Wolverine, parsed by LoadAsync
        RecordingPurchase write,
        EventStreams streams,
        CancellationToken ct
    ) => streams.Respond(write, StatusCodes.Status201Created, ct);

    private static async Task<Guid> MemberOf(RecordPurchaseRequest request, IQuerySession session, CancellationToken ct)
    {
        if (request.MemberId is { } id)
        {
            if (request.MemberExternalId is not null)
                throw new InvalidInput("memberExternalId", "give memberId or memberExternalId, not both");
            return id;
        }
        var externalId = Guard.Required(request.MemberExternalId, "memberId", 100);
        var member = await session.Query<MemberView>().FirstOrDefaultAsync(m => m.ExternalId == externalId, ct);
        return member?.Id ?? throw new NotFound("memberExternalId", "no member has this externalId");
    }
}

/// <summary>
/// Recording a purchase: decided on the member's account, any purchase already recorded under the same reference
/// and the budgets of the campaigns that may give on it; the tier the purchase reaches follows it.
/// </summary>
public sealed record RecordingPurchase(
    Guid MemberId,
    IdempotencyKey? Key,
    RecordPurchase Command,
    ProgramSettings Program,
    IReadOnlyList<Campaign> PurchaseCampaigns
) : MemberWrite<PurchaseRecord, PurchaseRecordedResponse>(MemberId, Key)
{
    protected override string RecordId => PurchaseState.Key(Command.Source, Command.TransactionId);

    protected override IEnumerable<string> CampaignCodes => PurchaseCampaigns.Select(c => c.Code);

    public override IReadOnlyList<IMemberEvent> Decide(MemberState<PurchaseRecord> state)
    {
        var (account, existing) = (state.Account, state.Record?.Purchase);
        var earned = RecordPurchase.DecideWithCampaigns(
            account,
            existing,
            Program,
            PurchaseCampaigns,
            state.BudgetLeft,
            Command
        );
        return TierQualification.Following(account, earned, Program, Command.RecordedAt, Command.By);
    }

    /// <summary>A member's first purchase may qualify the referral that brought them.</summary>
    public override IEnumerable<ScheduledMessage> Schedule(
        MemberState<PurchaseRecord> state,
        IReadOnlyList<IMemberEvent> events
    ) =>
        state.Account.Purchases == 0 && events.Count > 0
            ? [new(new ReferredPurchaseChanged(MemberId, RecordId, true), Duration.Zero)]
            : [];

    public override PurchaseRecordedResponse Answer(MemberWritten<PurchaseRecord> written) =>
        PurchaseRecordedResponse.From(
            written.Events,
            written.Balance(Program, Command.RecordedAt),
            Withheld(written.Before, written.Events.OfType<PointsEarned>().Single())
        );

    /// <summary>
    /// The campaigns that matched and gave nothing: the decision is pure, so asking it again on the same state
    /// answers the same.
    /// </summary>
    private IReadOnlyList<CampaignWithheld> Withheld(MemberState<PurchaseRecord> before, PointsEarned earned)
    {
        if (PurchaseCampaigns.Count == 0)
            return [];
        var occasion = RecordPurchase.Occasion(before.Account, earned);
        var after = PointsAccount.Evolve(before.Account, earned);
        return CampaignAwards.Decide(occasion, after, Program, PurchaseCampaigns, before.BudgetLeft).Withheld;
    }
}
