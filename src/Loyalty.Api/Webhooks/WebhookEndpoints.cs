using Loyalty.Api.Auth;
using Loyalty.Api.Infrastructure;
using Loyalty.Domain.Access;
using Loyalty.Domain.Common;
using Loyalty.Domain.Webhooks;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine;
using Wolverine.Http;

namespace Loyalty.Api.Webhooks;

/// <param name="Url">Where deliveries are posted: an absolute http or https URL.</param>
/// <param name="Events">The event types to send, from <c>points.earned</c> to <c>referral.rewarded</c>.</param>
/// <param name="IncludeContact">Whether payloads carry the member's email and phone (default false).</param>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string?>? Events, bool? IncludeContact);

public sealed record WebhookResponse(
    Guid Id,
    string Url,
    IReadOnlyList<string> Events,
    bool IncludeContact,
    string Status,
    string? DisabledReason,
    Instant CreatedAt
)
{
    public static WebhookResponse From(Webhook w) =>
        new(w.Id, w.Url, w.Topics, w.IncludeContact, w.Status, w.DisabledReason, w.CreatedAt);
}

/// <summary>A new webhook and its signing secret, shown this once.</summary>
public sealed record CreatedWebhookResponse(string Secret, WebhookResponse Webhook);

public sealed record WebhookDeliveryResponse(
    string Id,
    string EventId,
    string Type,
    string Status,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    Instant? LastAttemptAt,
    Instant? NextAttemptAt,
    Instant CreatedAt
)
{
    public static WebhookDeliveryResponse From(WebhookDelivery d) =>
        new(
            d.Id,
            d.EventId,
            d.Type,
            d.Status,
            d.Attempts,
            d.LastStatusCode,
            d.LastError,
            d.LastAttemptAt,
            d.NextAttemptAt,
            d.CreatedAt
        );
}

public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDeliveryResponse> Deliveries, string? NextCursor);

public static class WebhookEndpoints
{
    /// <summary>
    /// Subscribes a URL to event types. Deliveries are signed with the secret in this answer, shown this once:
    /// <c>Loyalty-Signature: t={unix seconds},v1={hex HMAC-SHA256 of "{t}.{body}"}</c>.
    /// </summary>
    [Tags("Webhooks")]
    [Locates(201)]
    [ProducesResponseType<CreatedWebhookResponse>(201)]
    [Refuses(400)]
    [WolverinePost("/webhooks", OperationId = "createWebhook")]
    [Authorize(Policy = Permissions.WebhooksManage)]
    public static async Task<IResult> Create(
        CreateWebhookRequest? request,
        EventStreams streams,
        IDocumentStore store,
        WebhookOutbox subscriptions,
        HttpContext http,
        CancellationToken ct
    )
    {
        request = Body.Required(request);
        var id = Guid.CreateVersion7();
        var subscribed = Webhook.Subscribe(
            id,
            request.Url,
            request.Events,
            request.IncludeContact,
            streams.Now,
            Caller.Of(http).Actor
        );
        var secret = WebhookSignature.NewSecret();
        await using (var session = store.LightweightSession())
        {
            session.Store(new WebhookSecret(id, secret));
            await session.SaveChangesAsync(ct);
        }
        var answer = new CreatedWebhookResponse(secret, WebhookResponse.From(Webhook.Evolve(null, subscribed)!));
        var write = new StartStream<CreatedWebhookResponse>(id, null, subscribed, answer);
        var result = await streams.Respond(write, StatusCodes.Status201Created, ct, w => $"/webhooks/{w}");
        subscriptions.Forget();
        return result;
    }

    /// <summary>Every webhook that is not deleted, with its status and, when disabled, why.</summary>
    [Tags("Webhooks")]
    [WolverineGet("/webhooks", OperationId = "listWebhooks")]
    [Authorize(Policy = Permissions.WebhooksManage)]
    public static async Task<IReadOnlyList<WebhookResponse>> List(IQuerySession session, CancellationToken ct) =>
        [
            .. (await session.Query<Webhook>().Where(w => w.Status != Webhook.Deleted).ToListAsync(ct))
                .OrderBy(w => w.CreatedAt)
                .Select(WebhookResponse.From),
        ];

    /// <summary>A webhook, with its status and, when disabled, why.</summary>
    [Tags("Webhooks")]
    [ProducesResponseType<WebhookResponse>(200)]
    [Refuses(404)]
    [WolverineGet("/webhooks/{id}", OperationId = "getWebhook")]
    [Authorize(Policy = Permissions.WebhooksManage)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<Webhook>(id, ct) is { Status: not Webhook.Deleted } webhook
            ? Results.Json(WebhookResponse.From(webhook))
            : Problems.For(new NotFound("id", "no such webhook"));

    /// <summary>
    /// Stops sending: events that come while paused are not sent; deliveries already waiting for a retry are
    /// recorded as skipped when their turn comes, and sent again on resume.
    /// </summary>
    [Tags("Webhooks")]
    [ProducesResponseType<WebhookResponse>(200)]
    [Refuses(404)]
    [WolverinePost("/webhooks/{id}/pause", OperationId = "pauseWebhook")]
    [Authorize(Policy = Permissions.WebhooksManage)]
    public static Task<IResult> Pause(
        Guid id,
        EventStreams streams,
        WebhookOutbox subscriptions,
        HttpContext http,
        CancellationToken ct
    ) => ChangeAsync(id, Webhook.Paused, streams, subscriptions, http, ct);

    /// <summary>
    /// Sends again, a paused webhook or one disabled for failing, starting with the deliveries it skipped meanwhile.
    /// </summary>
    [Tags("Webhooks")]
    [ProducesResponseType<WebhookResponse>(200)]
    [Refuses(404)]
    [WolverinePost("/webhooks/{id}/resume", OperationId = "resumeWebhook")]
    [Authorize(Policy = Permissions.WebhooksManage)]
    public static async Task<IResult> Resume(
        Guid id,
        EventStreams streams,
        WebhookOutbox subscriptions,
        IQuerySession session,
        IMessageBus bus,
        HttpContext http,
        CancellationToken ct
    )
    {
        var resumed = await ChangeAsync(id, Webhook.Active, streams, subscriptions, http, ct);
        var skipped = await session
            .Query<WebhookDelivery>()
            .Where(d => d.WebhookId == id && d.Status == WebhookDelivery.Skipped)
            .ToListAsync(ct);
        foreach (var delivery in skipped)
            await bus.SendAsync(Again(delivery));
        return resumed;
    }

    /// <summary>Deletes a webhook: nothing more is sent to it, retries included.</summary>
    [Tags("Webhooks")]
    [ProducesResponseType(204)]
    [Refuses(404)]
    [WolverineDelete("/webhooks/{id}", OperationId = "deleteWebhook")]
    [Authorize(Policy = Permissions.WebhooksManage)]
    public static async Task<IResult> Delete(
        Guid id,
        EventStreams streams,
        WebhookOutbox subscriptions,
        HttpContext http,
        CancellationToken ct
    )
    {
        await streams.Apply(new ChangingWebhook(id, Webhook.Deleted, streams.Now, Caller.Of(http).Actor), ct);
        subscriptions.Forget();
        return Results.NoContent();
    }

    /// <summary>
    /// A webhook's deliveries, newest first, in pages of <c>limit</c> (default 50, at most 500); <c>cursor</c> is the
    /// previous page's <c>nextCursor</c>.
    /// </summary>
    [Tags("Webhooks")]
    [ProducesResponseType<WebhookDeliveryPage>(200)]
    [Refuses(400)]
    [Refuses(404)]
    [WolverineGet("/webhooks/{id}/deliveries", OperationId = "listWebhookDeliveries")]
    [Authorize(Policy = Permissions.WebhooksManage)]
    public static async Task<IResult> Deliveries(
        Guid id,
        int? limit,
        string? cursor,
        IQuerySession session,
        CancellationToken ct
    )
    {
        if (await session.LoadAsync<Webhook>(id, ct) is not { Status: not Webhook.Deleted })
            return Problems.For(new NotFound("id", "no such webhook"));
        var size = QueryValues.PageSize(limit);
        var query = session.Query<WebhookDelivery>().Where(d => d.WebhookId == id);
        if (QueryValues.Cursor(cursor) is { } before)
            query = query.Where(d => d.CreatedAtUnixMilliseconds < before);
        var page = await query.OrderByDescending(d => d.CreatedAtUnixMilliseconds).Take(size + 1).ToListAsync(ct);
        var next = page.Count > size ? page[size - 1].CreatedAtUnixMilliseconds.ToString() : null;
        return Results.Json(new WebhookDeliveryPage([.. page.Take(size).Select(WebhookDeliveryResponse.From)], next));
    }

    /// <summary>Sends a delivery again, with the same event id, as a new series of attempts.</summary>
    [Tags("Webhooks")]
    [ProducesResponseType<WebhookDeliveryResponse>(202)]
    [Refuses(404)]
    [WolverinePost("/webhooks/{id}/deliveries/{deliveryId}/replay", OperationId = "replayWebhookDelivery")]
    [Authorize(Policy = Permissions.WebhooksManage)]
    public static async Task<IResult> Replay(
        Guid id,
        string deliveryId,
        IQuerySession session,
        IMessageBus bus,
        CancellationToken ct
    )
    {
        if (await session.LoadAsync<WebhookDelivery>(deliveryId, ct) is not { } delivery || delivery.WebhookId != id)
            return Problems.For(new NotFound("deliveryId", "no such delivery of this webhook"));
        await bus.SendAsync(Again(delivery));
        return Results.Json(WebhookDeliveryResponse.From(delivery), statusCode: StatusCodes.Status202Accepted);
    }

    private static DeliverWebhook Again(WebhookDelivery d) =>
        new(d.WebhookId, d.EventId, d.Type, d.MemberId, d.Payload);

    private static async Task<IResult> ChangeAsync(
        Guid id,
        string action,
        EventStreams streams,
        WebhookOutbox subscriptions,
        HttpContext http,
        CancellationToken ct
    )
    {
        var write = new ChangingWebhook(id, action, streams.Now, Caller.Of(http).Actor);
        var result = await streams.Respond(write, StatusCodes.Status200OK, ct);
        subscriptions.Forget();
        return result;
    }
}

/// <summary>Pausing, resuming or deleting a webhook: decided on the webhook as its stream leaves it.</summary>
public sealed record ChangingWebhook(Guid WebhookId, string Action, Instant At, Actor By)
    : FoldedStreamWrite<Webhook?, IWebhookEvent, WebhookResponse>(WebhookId)
{
    protected override Webhook? Initial => null;

    protected override DomainError Missing => new NotFound("id", "no such webhook");

    protected override Webhook? Evolve(Webhook? webhook, IWebhookEvent @event) => Webhook.Evolve(webhook, @event);

    public override IReadOnlyList<IWebhookEvent> Decide(Webhook? webhook) => webhook!.Change(Action, At, By);

    public override WebhookResponse Answer(Webhook? after) => WebhookResponse.From(after!);
}
