using JasperFx.Events;
using Loyalty.Domain.Webhooks;
using Marten.Events.Aggregation;

namespace Loyalty.Projections.Webhooks;

/// <summary>Inline: a subscription, paused or deleted, sends accordingly from the moment the change answers.</summary>
public sealed class WebhookProjection : SingleStreamProjection<Webhook, Guid>
{
    public WebhookProjection()
    {
        foreach (var type in Common.DomainEvents.Implementing<IWebhookEvent>())
            IncludeType(type);
    }

    public override Webhook? Evolve(Webhook? snapshot, Guid id, IEvent e) =>
        e.Data is IWebhookEvent @event ? Webhook.Evolve(snapshot, @event) : snapshot;
}
