using JasperFx.Events;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Automations;
using Loyalty.Domain.Insight;
using Loyalty.Domain.Memberships;
using Loyalty.Domain.Tiers;

namespace Loyalty.Api.Automations;

/// <summary>Checks a member's automations after an event that may set one off.</summary>
public sealed record CheckAutomations(Guid MemberId);

/// <summary>
/// Tells the automation job of the events that set automations off (a tier changed, a payment failed, a stage or
/// segment entered) when an active automation waits for them: one <see cref="CheckAutomations"/> per member,
/// committed through Wolverine's outbox in the write's own transaction, so none is lost.
/// </summary>
public sealed class AutomationTriggers(AutomationsCache automations) : IEventSubscribers
{
    public async ValueTask<IReadOnlyList<object>> MessagesFor(IEnumerable<IEvent> appended, CancellationToken ct)
    {
        var waiting = (await automations.ActiveAsync(ct)).Select(a => a.Current.Rules.Trigger).ToList();
        if (!waiting.Any(t => !t.ByTime))
            return [];
        return appended
            .Where(e => waiting.Any(t => SetsOff(t, e.Data)))
            .Select(e => ((Domain.Members.IMemberEvent)e.Data).MemberId)
            .Distinct()
            .Select(member => (object)new CheckAutomations(member))
            .ToList();
    }

    private static bool SetsOff(AutomationTrigger trigger, object @event) =>
        (trigger.Kind, @event) switch
        {
            (AutomationTrigger.TierUpgraded, TierUpgraded) => true,
            (AutomationTrigger.TierDowngraded, TierDowngraded) => true,
            (AutomationTrigger.PaymentFailed, MembershipPaymentFailed) => true,
            (AutomationTrigger.EnteredStage, MemberStageChanged e) => e.To == trigger.Stage,
            (AutomationTrigger.EnteredSegment, MemberSegmentChanged e) => e.To == trigger.Segment,
            _ => false,
        };
}

/// <summary>Fires what is due for the member now (see <see cref="AutomationJob"/>).</summary>
public static class CheckAutomationsHandler
{
    public static Task Handle(CheckAutomations message, AutomationJob job, CancellationToken ct) =>
        job.CheckAsync(message.MemberId, ct);
}
