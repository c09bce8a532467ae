using Loyalty.Domain.Campaigns;
using Loyalty.Domain.Members;
using Loyalty.Domain.Points;
using Loyalty.Domain.Rules;
using NodaTime;
using static Loyalty.Domain.Tests.Given;

namespace Loyalty.Domain.Tests.Campaigns;

/// <summary>Campaigns, purchases and engagements as the service decides them, for the tests.</summary>
public static class Campaigns
{
    public static readonly Instant Yesterday = Now - Duration.FromDays(1);

    public static CampaignRules Running(
        string trigger,
        CampaignEffect effect,
        CampaignConditions? conditions = null,
        IReadOnlyList<CampaignLimit>? limits = null,
        long? budget = null,
        int priority = 0,
        bool exclusive = false,
        string? engagementType = null
    ) =>
        new(
            "test campaign",
            null,
            CampaignRules.Active,
            null,
            null,
            new CampaignTrigger(trigger, engagementType),
            conditions ?? CampaignConditions.None,
            effect,
            limits ?? [],
            budget,
            priority,
            exclusive
        );

    public static Campaign Campaign(string code, CampaignRules rules, Instant? effectiveFrom = null) =>
        new(code, [new CampaignVersion(1, effectiveFrom ?? Yesterday, rules, "changed")]);

    public static CampaignEffect Multiplier(decimal factor) => new(CampaignEffect.Multiplies, Multiplier: factor);

    public static CampaignEffect Gives(string kind, int points, decimal? perAmount = null) =>
        new(kind, points, perAmount);

    public static CampaignConditions Skus(params string[] skus) => new(Skus: skus);

    public static PurchaseLine Item(
        string id,
        string sku,
        decimal quantity,
        decimal unitPrice,
        string? category = null
    ) => new(id, sku, category ?? "grocery", quantity, unitPrice, 0);

    /// <summary>Coffee for 24.00 (two at 12.00) and a mug for 8.99: 32 base points.</summary>
    public static RecordPurchase Coffee(string transactionId, Instant? at = null, string? channel = null) =>
        RecordPurchase.Parse(
            "pos",
            transactionId,
            "store-1",
            at ?? Now,
            "EUR",
            [Item("1", "COFFEE-1KG", 2, 12.00m), Item("2", "MUG", 1, 8.99m, "home")],
            at ?? Now,
            Till,
            channel
        );

    public static RecordEngagement Engagement(
        string eventId,
        string type,
        Instant at,
        Dictionary<string, string?>? attributes = null
    ) => RecordEngagement.Parse(eventId, type, at, attributes, at, Till);

    public static IReadOnlyDictionary<string, long> NoBudgets { get; } = new Dictionary<string, long>();

    /// <summary>Records a purchase with campaigns on the history; returns what it decided.</summary>
    public static IReadOnlyList<IMemberEvent> Buy(
        this History history,
        RecordPurchase purchase,
        IReadOnlyList<Campaign> campaigns,
        IReadOnlyDictionary<string, long>? budgets = null,
        ProgramSettings? program = null
    )
    {
        var decided = RecordPurchase.DecideWithCampaigns(
            history.Account,
            history.Purchase(purchase.TransactionId),
            program ?? Program,
            campaigns,
            budgets ?? NoBudgets,
            purchase
        );
        history.Then(decided);
        return decided;
    }

    public static IReadOnlyList<IMemberEvent> Bring(this History history, ReturnPurchase cmd)
    {
        var decided = ReturnPurchase.DecideWithCampaigns(history.Account, history.Purchase(cmd.TransactionId), cmd);
        history.Then(decided);
        return decided;
    }

    public static IReadOnlyList<IMemberEvent> Engage(
        this History history,
        RecordEngagement engagement,
        IReadOnlyList<Campaign> campaigns,
        IReadOnlyDictionary<string, long>? budgets = null
    )
    {
        var decided = RecordEngagement.Decide(history.Account, Program, campaigns, budgets ?? NoBudgets, engagement);
        history.Then(decided);
        return decided;
    }

    /// <summary>A purchase as its record folds it: its earning, its returns and its campaigns' awards.</summary>
    public static PurchaseState? Purchase(this History history, string transactionId)
    {
        var key = PurchaseState.Key("pos", transactionId);
        return history
            .Events.Where(e => PurchaseState.KeyOf(e) == key)
            .Aggregate((PurchaseState?)null, PurchaseState.Evolve);
    }

    public static IReadOnlyList<CampaignAward> Awards(this IEnumerable<IMemberEvent> events) =>
        events.OfType<CampaignPointsEarned>().SelectMany(e => e.Awards).ToList();

    public static IReadOnlyList<CampaignReversal> Reversals(this IEnumerable<IMemberEvent> events) =>
        events.OfType<CampaignPointsReversed>().SelectMany(e => e.Reversals).ToList();
}
