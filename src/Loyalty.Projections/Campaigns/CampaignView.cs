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
/// What a budgeted campaign may give over its life and has given (net of returns), by campaign code. Never
/// updated by a projection: the write that gives or takes back points changes <see cref="Used"/> in its own
/// transaction, only while it stays within <see cref="Budget"/> (see <c>CampaignBudgets</c>).
/// </summary>
public sealed record CampaignBudget(string Id, long Budget, long Used)
{
    public long Left => Math.Max(Budget - Used, 0);
}
