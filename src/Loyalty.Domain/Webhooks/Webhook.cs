using Loyalty.Domain.Common;
using NodaTime;

namespace Loyalty.Domain.Webhooks;

/// <summary>Every event of a webhook subscription's stream.</summary>
public interface IWebhookEvent
{
    Guid WebhookId { get; }
    Instant At { get; }
}

/// <summary>
/// An admin subscribed <see cref="Url"/> to <see cref="Topics"/>; <see cref="IncludeContact"/>: payloads carry the
/// member's email and phone. The signing secret is not in the event: it is kept apart and shown once.
/// </summary>
public sealed record WebhookSubscribed(
    Guid WebhookId,
    string Url,
    IReadOnlyList<string> Topics,
    bool IncludeContact,
    Instant At,
    Actor By
) : IWebhookEvent;

public sealed record WebhookPaused(Guid WebhookId, Instant At, Actor By) : IWebhookEvent;

public sealed record WebhookResumed(Guid WebhookId, Instant At, Actor By) : IWebhookEvent;

public sealed record WebhookDeleted(Guid WebhookId, Instant At, Actor By) : IWebhookEvent;

/// <summary>Deliveries kept failing past the retry window: nothing more is sent until an admin resumes it.</summary>
public sealed record WebhookDisabled(Guid WebhookId, string Reason, Instant At) : IWebhookEvent;

/// <summary>A webhook subscription: where it sends, what, and whether it sends now.</summary>
public sealed record Webhook(
    Guid Id,
    string Url,
    IReadOnlyList<string> Topics,
    bool IncludeContact,
    string Status,
    string? DisabledReason,
    Instant CreatedAt
)
{
    public const string Active = "active",
        Paused = "paused",
        Disabled = "disabled",
        Deleted = "deleted";

    public const int MaxUrlLength = 2000;

    public static Webhook? Evolve(Webhook? webhook, IWebhookEvent @event) =>
        (webhook, @event) switch
        {
            (null, WebhookSubscribed e) => new(e.WebhookId, e.Url, e.Topics, e.IncludeContact, Active, null, e.At),
            (not null, WebhookPaused) => webhook with { Status = Paused },
            (not null, WebhookResumed) => webhook with { Status = Active, DisabledReason = null },
            (not null, WebhookDeleted) => webhook with { Status = Deleted },
            (not null, WebhookDisabled e) => webhook with { Status = Disabled, DisabledReason = e.Reason },
            _ => webhook,
        };

    /// <summary>A new subscription as sent, checked: each failure names the field.</summary>
    public static WebhookSubscribed Subscribe(
        Guid id,
        string? url,
        IReadOnlyList<string?>? topics,
        bool? includeContact,
        Instant at,
        Actor by
    )
    {
        var address = Guard.Required(url, "url", MaxUrlLength);
        if (
            !Uri.TryCreate(address, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.UserInfo)
        )
            throw new InvalidInput("url", "must be an absolute http or https URL without credentials");
        if (topics is not { Count: > 0 })
            throw new InvalidInput("events", "name at least one event type");
        foreach (var topic in topics)
            if (topic is null || !WebhookTopics.All.Contains(topic))
                throw new InvalidInput("events", $"'{topic}' is not one of {string.Join(", ", WebhookTopics.All)}");
        return new(id, uri.ToString(), [.. topics.Distinct()!], includeContact ?? false, at, by);
    }

    /// <summary>Pausing, resuming or deleting: what the event is, or nothing when it is so already.</summary>
    public IReadOnlyList<IWebhookEvent> Change(string action, Instant at, Actor by) =>
        (action, Status) switch
        {
            (_, Deleted) => throw new NotFound("id", "no such webhook"),
            (Paused, Paused) or (Active, Active) => [],
            (Paused, _) => [new WebhookPaused(Id, at, by)],
            (Active, _) => [new WebhookResumed(Id, at, by)],
            (Deleted, _) => [new WebhookDeleted(Id, at, by)],
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };

    public bool Sends(string topic) => Status == Active && Topics.Contains(topic);
}
