using JasperFx.Events;
using Loyalty.Domain.Campaigns;
using Loyalty.Projections.Common;
using Marten.Events.Aggregation;

namespace Loyalty.Projections.Campaigns;

/// <summary>
/// A campaign with every version it had, by its stream id; <see cref="Code"/> and <see cref="Status"/> (the
/// current version's) are indexed for lists. Purchases decide on these, cached for a few seconds.
/// </summary>
public sealed record CampaignView(Guid Id, string Code, string Status, Campaign Campaign)
{
    public int Version => Campaign.Version;
}

/// <summary>Inline: a campaign change applies from the moment it answers.</summary>
public sealed class CampaignViewProjection : SingleStreamProjection<CampaignView, Guid>
{
    public CampaignViewProjection()
    {
        foreach (var type in DomainEvents.Implementing<ICampaignEvent>())
            IncludeType(type);
    }

    public override CampaignView? Evolve(CampaignView? snapshot, Guid id, IEvent e) =>
        e.Data is ICampaignEvent @event && Campaign.Evolve(snapshot?.Campaign, @event) is { } campaign
            ? new CampaignView(id, campaign.Code, campaign.Current.Rules.Status, campaign)
            : snapshot;
}

/// <summary>
/// One of the <see cref="Count"/> slices a campaign's budget is kept in, by campaign code and slice number: what it
/// may give and has given (net of returns). Never updated by a projection: the write that gives or takes back
/// points moves <see cref="Used"/> in its own transaction, only while it stays within <see cref="Budget"/> (see
/// <c>CampaignBudgets</c>). Slices let writers for different members take from different rows at once.
/// </summary>
public sealed record CampaignBudgetSlice(string Id, string Campaign, int Slice, long Budget, long Used)
{
    public const int Count = 8;

    public long Left => Math.Max(Budget - Used, 0);

    public static string IdFor(string campaign, int slice) => $"{campaign}/{slice}";

    public static string[] IdsFor(string campaign) =>
        Enumerable.Range(0, Count).Select(i => IdFor(campaign, i)).ToArray();

    /// <summary>The slice a member takes from first, so members spread over the slices.</summary>
    public static int HomeOf(Guid memberId) => (int)((uint)memberId.GetHashCode() % Count);
}

/// <summary>A campaign's budget, its slices added up.</summary>
public sealed record CampaignBudget(string Campaign, long Budget, long Used)
{
    public long Left => Math.Max(Budget - Used, 0);

    public static IReadOnlyDictionary<string, CampaignBudget> Of(IEnumerable<CampaignBudgetSlice> slices) =>
        slices
            .GroupBy(s => s.Campaign)
            .ToDictionary(g => g.Key, g => new CampaignBudget(g.Key, g.Sum(s => s.Budget), g.Sum(s => s.Used)));
}
