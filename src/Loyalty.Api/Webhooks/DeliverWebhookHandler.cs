using System.Text.Json.Nodes;
using Loyalty.Domain.Webhooks;
using Loyalty.Projections.Members;
using Marten;
using Microsoft.Extensions.Options;
using NodaTime;
using Wolverine;
using Wolverine.Marten.Publishing;

namespace Loyalty.Api.Webhooks;

/// <summary>The signing secret of a webhook, kept apart from its events and shown once.</summary>
public sealed record WebhookSecret(Guid Id, string Secret);

/// <summary>
/// A delivery as the admin sees it: its status (<c>retrying</c>, <c>delivered</c>, <c>failed</c>, or <c>skipped</c>
/// while the webhook is paused or disabled), attempts, the last response code or error and when, the next attempt.
/// </summary>
public sealed record WebhookDelivery(
    string Id,
    Guid WebhookId,
    string EventId,
    string Type,
    string Status,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    Instant? LastAttemptAt,
    Instant? NextAttemptAt,
    Instant CreatedAt,
    string Payload,
    Guid MemberId
)
{
    public const string Retrying = "retrying",
        Delivered = "delivered",
        Failed = "failed",
        Skipped = "skipped";

    public long CreatedAtUnixMilliseconds { get; init; } = CreatedAt.ToUnixTimeMilliseconds();

    public static string IdOf(Guid webhookId, string eventId) => $"{webhookId:N}-{eventId}";
}

/// <summary>Each recorded attempt, as it is recorded: for the counters, and for tests to wait on.</summary>
public sealed class WebhookOutcomes
{
    public event Action<WebhookDelivery>? Recorded;

    public void Record(WebhookDelivery delivery) => Recorded?.Invoke(delivery);
}

/// <summary>
/// Sends one delivery: signed, to the webhook's URL. A 2xx answer delivers it; anything else is tried again by
/// <see cref="WebhookRetries"/>, the retry scheduled through the outbox in the same transaction as the delivery's
/// record. Past the retry window the delivery has failed and the webhook is disabled, with the reason.
/// </summary>
public sealed class DeliverWebhookHandler(
    OutboxedSessionFactory sessions,
    WebhookSender sender,
    IClock clock,
    IOptions<WebhookSettings> settings,
    WebhookOutcomes outcomes,
    WebhookOutbox subscriptions,
    ILogger<DeliverWebhookHandler> log
)
{
    public async Task Handle(DeliverWebhook message, IMessageBus context, CancellationToken ct)
    {
        await using var session = sessions.OpenSession(context);
        var batch = session.CreateBatchQuery();
        var webhookRead = batch.Load<Webhook>(message.WebhookId);
        var secretRead = batch.Load<WebhookSecret>(message.WebhookId);
        var previousRead = batch.Load<WebhookDelivery>(WebhookDelivery.IdOf(message.WebhookId, message.EventId));
        await batch.Execute(ct);
        if (await webhookRead is not { Status: not Webhook.Deleted } webhook || await secretRead is not { } secret)
            return;
        var now = clock.GetCurrentInstant();
        var delivery =
            await previousRead
            ?? new WebhookDelivery(
                WebhookDelivery.IdOf(message.WebhookId, message.EventId),
                message.WebhookId,
                message.EventId,
                message.Type,
                WebhookDelivery.Retrying,
                0,
                null,
                null,
                null,
                null,
                now,
                message.Payload,
                message.MemberId
            );
        if (webhook.Status != Webhook.Active)
        {
            await SaveAsync(session, delivery with { Status = WebhookDelivery.Skipped, NextAttemptAt = null }, ct);
            return;
        }

        var body = webhook.IncludeContact
            ? WithContact(message.Payload, await session.LoadAsync<MemberView>(message.MemberId, ct))
            : message.Payload;
        var (code, error) = await sender.SendAsync(webhook.Url, secret.Secret, message, body, now, ct);
        delivery = delivery with
        {
            Attempts = delivery.Attempts + 1,
            LastStatusCode = code,
            LastError = error,
            LastAttemptAt = now,
            NextAttemptAt = null,
        };
        if (code is >= 200 and < 300)
        {
            await SaveAsync(session, delivery with { Status = WebhookDelivery.Delivered }, ct);
            return;
        }

        var first = message.FirstAttemptUnixMilliseconds is { } ms ? Instant.FromUnixTimeMilliseconds(ms) : now;
        if (settings.Value.Retries.After(message.Attempt, first, now) is { } wait)
        {
            await context.ScheduleAsync(
                message with
                {
                    Attempt = message.Attempt + 1,
                    FirstAttemptUnixMilliseconds = first.ToUnixTimeMilliseconds(),
                },
                wait.ToTimeSpan()
            );
            await SaveAsync(
                session,
                delivery with
                {
                    Status = WebhookDelivery.Retrying,
                    NextAttemptAt = now + wait,
                },
                ct
            );
            return;
        }
        var reason =
            $"deliveries failed for {settings.Value.RetryHours} hours since {first}; last: {code?.ToString() ?? error}";
        session.Events.Append(webhook.Id, new WebhookDisabled(webhook.Id, reason, now));
        await SaveAsync(session, delivery with { Status = WebhookDelivery.Failed }, ct);
        subscriptions.Forget();
        log.LogWarning("Webhook {WebhookId} disabled: {Reason}", webhook.Id, reason);
    }

    private async Task SaveAsync(IDocumentSession session, WebhookDelivery delivery, CancellationToken ct)
    {
        session.Store(delivery);
        await session.SaveChangesAsync(ct);
        outcomes.Record(delivery);
    }

    /// <summary>The payload with the member's contact details, for a subscription that opted in.</summary>
    private static string WithContact(string payload, MemberView? member)
    {
        var body = JsonNode.Parse(payload)!.AsObject();
        body["member"] = new JsonObject
        {
            ["externalId"] = member?.ExternalId,
            ["email"] = member?.Email,
            ["phone"] = member?.Phone,
        };
        return body.ToJsonString();
    }
}

/// <summary>Posts a delivery's body, signed, with its event id and type in headers.</summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhookSettings> settings)
{
    public const string Client = "webhooks";

    /// <summary>The answer's status code, or the error that kept one from coming.</summary>
    public async Task<(int? Code, string? Error)> SendAsync(
        string url,
        string secret,
        DeliverWebhook message,
        string body,
        Instant now,
        CancellationToken ct
    )
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Of(secret, now, body));
        request.Headers.Add("Loyalty-Event-Id", message.EventId);
        request.Headers.Add("Loyalty-Event-Type", message.Type);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.Value.TimeoutSeconds));
        try
        {
            using var response = await clients.CreateClient(Client).SendAsync(request, timeout.Token);
            return ((int)response.StatusCode, null);
        }
        catch (Exception e)
            when (e is HttpRequestException or IOException
                || e is OperationCanceledException && !ct.IsCancellationRequested
            )
        {
            return (null, e is OperationCanceledException ? "timed out" : e.Message);
        }
    }
}
