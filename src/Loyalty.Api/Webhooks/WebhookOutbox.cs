using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.Events;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Members;
using Loyalty.Domain.Webhooks;
using Marten;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Loyalty.Api.Webhooks;

/// <summary>
/// One delivery of one event to one webhook. <see cref="EventId"/> is the stored event's id: the same on every retry
/// and replay, for the receiver to recognise a duplicate. <see cref="Payload"/> is the body as built when
/// the event was written; the first attempt's time (Unix milliseconds: messages carry no NodaTime types) starts the
/// retry window.
/// </summary>
public sealed record DeliverWebhook(
    Guid WebhookId,
    string EventId,
    string Type,
    Guid MemberId,
    string Payload,
    int Attempt = 1,
    long? FirstAttemptUnixMilliseconds = null
);

/// <summary>
/// Tells the active webhooks of a write's member events: one <see cref="DeliverWebhook"/> per event and subscriber,
/// committed through Wolverine's outbox in the write's own transaction. The subscriptions are kept a few seconds
/// (<c>Loyalty:Webhooks:CacheSeconds</c>, default 5): a new one on another node is seen within that.
/// </summary>
public sealed class WebhookOutbox(IDocumentStore store, IOptions<JsonOptions> json, IOptions<WebhookSettings> settings)
    : ShortCache<bool, IReadOnlyList<Webhook>>(TimeSpan.FromSeconds(settings.Value.CacheSeconds)),
        IEventSubscribers
{
    /// <summary>
    /// Fields no payload carries: hashes of cards and devices, and who acted (a staff member's name and login).
    /// </summary>
    private static readonly string[] Withheld = ["paymentFingerprint", "device", "by"];

    public async ValueTask<IReadOnlyList<object>> MessagesFor(IEnumerable<IEvent> appended, CancellationToken ct)
    {
        var webhooks = await GetAsync(true, _ => ActiveAsync(ct));
        if (webhooks.Count == 0)
            return [];
        var messages = new List<object>();
        foreach (var e in appended)
        {
            if (e.Data is not IMemberEvent @event || WebhookTopics.Of(@event) is not { } topic)
                continue;
            var subscribers = webhooks.Where(w => w.Sends(topic)).ToList();
            if (subscribers.Count == 0)
                continue;
            var id = $"evt_{e.Id:N}";
            var payload = Payload(id, topic, @event);
            messages.AddRange(subscribers.Select(w => new DeliverWebhook(w.Id, id, topic, @event.MemberId, payload)));
        }
        return messages;
    }

    public void Forget() => Forget(true);

    private async Task<IReadOnlyList<Webhook>> ActiveAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Query<Webhook>().Where(w => w.Status == Webhook.Active).ToListAsync(ct);
    }

    /// <summary>
    /// <c>{"id", "type", "createdAt", "memberId", "data"}</c>: the event as the API writes JSON, without hashes.
    /// </summary>
    private string Payload(string id, string topic, IMemberEvent @event)
    {
        var data = JsonSerializer.SerializeToNode(@event, @event.GetType(), json.Value.SerializerOptions)!.AsObject();
        foreach (var field in Withheld)
            data.Remove(field);
        var body = new JsonObject
        {
            ["id"] = id,
            ["type"] = topic,
            ["createdAt"] = JsonSerializer.SerializeToNode(@event.At, json.Value.SerializerOptions),
            ["memberId"] = @event.MemberId,
            ["data"] = data,
        };
        return body.ToJsonString();
    }
}

/// <summary>
/// <c>Loyalty:Webhooks</c>: how long subscriptions are cached, the HTTP timeout, and the retries (first delay,
/// longest delay, and the window after the first attempt in which failures are retried).
/// </summary>
public sealed class WebhookSettings
{
    public int CacheSeconds { get; set; } = 5;
    public int TimeoutSeconds { get; set; } = 10;
    public double FirstRetrySeconds { get; set; } = 60;
    public double MaxRetrySeconds { get; set; } = 6 * 3600;
    public double RetryHours { get; set; } = 72;

    public WebhookRetries Retries =>
        new(
            NodaTime.Duration.FromSeconds(FirstRetrySeconds),
            NodaTime.Duration.FromSeconds(MaxRetrySeconds),
            NodaTime.Duration.FromHours(RetryHours)
        );
}

public static class WebhookWiring
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookSettings>(configuration.GetSection("Loyalty:Webhooks"));
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<IEventSubscribers>(sp => sp.GetRequiredService<WebhookOutbox>());
        services.AddSingleton<WebhookOutcomes>();
        services.AddHttpClient(WebhookSender.Client);
        services.AddSingleton<WebhookSender>();
        return services;
    }
}
