using JasperFx.Events;
using Loyalty.Domain.Automations;
using Loyalty.Projections.Common;
using Marten.Events.Aggregation;

namespace Loyalty.Projections.Automations;

/// <summary>
/// An automation with every version it had, by its stream id; <see cref="Code"/> and <see cref="Status"/> (the
/// current version's) are indexed for lists.
/// </summary>
public sealed record AutomationView(Guid Id, string Code, string Status, Automation Automation);

/// <summary>Inline: an automation change applies from the moment it answers.</summary>
public sealed class AutomationViewProjection : SingleStreamProjection<AutomationView, Guid>
{
    public AutomationViewProjection()
    {
        foreach (var type in DomainEvents.Implementing<IAutomationEvent>())
            IncludeType(type);
    }

    public override AutomationView? Evolve(AutomationView? snapshot, Guid id, IEvent e) =>
        e.Data is AutomationChanged changed && Automation.Evolve(snapshot?.Automation, changed) is var automation
            ? new AutomationView(id, automation.Code, automation.Current.Rules.Status, automation)
            : snapshot;
}
