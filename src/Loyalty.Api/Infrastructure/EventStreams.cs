using System.Text.Json;
using JasperFx;
using JasperFx.Events;
using Loyalty.Domain.Common;
using Marten;
using Marten.Services.BatchQuerying;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using Wolverine;
using Wolverine.Marten;

namespace Loyalty.Api.Infrastructure;

/// <summary>State as read, and the version of the stream it reflects (0: no stream yet, the write starts it).</summary>
public sealed record Current<TState>(TState State, long Version);

/// <summary>A message that commits with a write's events and is delivered <see cref="After"/> the commit.</summary>
public sealed record ScheduledMessage(object Message, Duration After);

/// <summary>
/// A write to one stream, read top to bottom: what it loads, what it decides, what it answers. The decision is a
/// pure domain function; <see cref="EventStreams"/> runs the rest.
/// </summary>
public interface IStreamWrite<TState, TEvent, out TResponse>
    where TEvent : class
    where TResponse : notnull
{
    Guid StreamId { get; }

    /// <summary>
    /// The caller's idempotency key; none for people's edits (they name the version they read) and jobs.
    /// </summary>
    IdempotencyKey? Key { get; }

    /// <summary>Queues every read the decision needs on the write's one batch, then awaits them.</summary>
    Task<Current<TState>> Load(IBatchedQuery batch);

    /// <summary>The business step. No events: nothing changes (a retry of what already took effect).</summary>
    IReadOnlyList<TEvent> Decide(TState state);

    /// <summary>The answer, from the state decided on and the events appended, at the stream's new version.</summary>
    TResponse Answer(TState state, IReadOnlyList<TEvent> events, long version);

    /// <summary>Messages that commit with the events (through Wolverine's outbox) or not at all.</summary>
    IEnumerable<ScheduledMessage> Schedule(TState state, IReadOnlyList<TEvent> events) => [];

    /// <summary>
    /// What the events change beyond the stream, in the same transaction (a campaign's budget). A
    /// <see cref="WriteConflict"/> thrown here, or raised by the database as <see cref="WriteConflict.SqlState"/>, has
    /// the write decided again on what it reads then.
    /// </summary>
    Task Enlist(IDocumentSession session, TState state, IReadOnlyList<TEvent> events, CancellationToken ct) =>
        Task.CompletedTask;
}

/// <summary>
/// Who is told of a write's events (webhooks): the messages to send, committed through the outbox with the events.
/// They are told of every event the write appends, to its own stream and to others (a referral's points).
/// </summary>
public interface IEventSubscribers
{
    ValueTask<IReadOnlyList<object>> MessagesFor(IEnumerable<IEvent> appended, CancellationToken ct);
}

/// <summary>Another writer changed what the write decided on; the runner decides it again.</summary>
public sealed class WriteConflict(string what) : Exception(what)
{
    /// <summary>The SQLSTATE the project's own database code raises for the same.</summary>
    public const string SqlState = "LB409";
}

/// <summary>What a write committed: its answer and its events (none when nothing changed).</summary>
public sealed record Committed<TEvent, TResponse>(TResponse Response, IReadOnlyList<TEvent> Events);

/// <summary>
/// Runs every write: read the idempotency key's record and what the write loads in one batch, decide, append
/// expecting the version read, and keep the answer under the key, all in one transaction.
/// </summary>
public sealed class EventStreams(
    IDocumentStore store,
    IClock clock,
    IOptions<JsonOptions> json,
    LoyaltyMetrics metrics,
    IServiceProvider services,
    IEnumerable<IEventSubscribers> subscribers,
    ILogger<EventStreams> log
)
{
    // Hand-built rather than Wolverine's aggregate workflow, for three guarantees it does not give HTTP callers:
    // the answer is kept under the caller's key in the write's own transaction (a replay is permanent and exact),
    // a conflict with another writer is decided again here instead of reaching the caller, and writers to one
    // member wait for each other in this process (the stripes), so a burst at one member is not a storm of retries.
    private const int MaxAttempts = 25;

    private static readonly SemaphoreSlim[] Stripes = Enumerable
        .Range(0, 1024)
        .Select(_ => new SemaphoreSlim(1, 1))
        .ToArray();

    public JsonSerializerOptions Json => json.Value.SerializerOptions;

    public Instant Now => clock.GetCurrentInstant();

    /// <summary>The service's counters, for the jobs that write through these streams.</summary>
    public LoyaltyMetrics Metrics => metrics;

    public IdempotencyKey Key(string id, string field, object request) => IdempotencyKey.For(id, field, request, Json);

    /// <summary>
    /// Runs <paramref name="write"/> for an HTTP caller: the first answer, or the kept one on a retry.
    /// </summary>
    public async Task<IResult> Respond<TState, TEvent, TResponse>(
        IStreamWrite<TState, TEvent, TResponse> write,
        int status,
        CancellationToken ct,
        Func<Guid, string>? location = null
    )
        where TEvent : class
        where TResponse : notnull
    {
        var (answer, _) = await Run(write, status, ct);
        return answer with { Location = location?.Invoke(answer.StreamId) };
    }

    /// <summary>Runs <paramref name="write"/> for a job or a handler, which keep no answer for replays.</summary>
    public async Task<Committed<TEvent, TResponse>> Apply<TState, TEvent, TResponse>(
        IStreamWrite<TState, TEvent, TResponse> write,
        CancellationToken ct
    )
        where TEvent : class
        where TResponse : notnull
    {
        if (write.Key is not null)
            throw new ArgumentException("a keyed write answers an HTTP caller", nameof(write));
        var (_, committed) = await Run(write, StatusCodes.Status200OK, ct);
        return committed!;
    }

    /// <summary>What <paramref name="write"/> would answer now, recording nothing (a quote).</summary>
    public async Task<TResponse> Preview<TState, TEvent, TResponse>(
        IStreamWrite<TState, TEvent, TResponse> write,
        CancellationToken ct
    )
        where TEvent : class
        where TResponse : notnull
    {
        await using var session = store.LightweightSession();
        var batch = session.CreateBatchQuery();
        var loading = write.Load(batch);
        await batch.Execute(ct);
        var (state, read) = await loading;
        var events = write.Decide(state);
        return write.Answer(state, events, read + events.Count);
    }

    private async Task<(Answer, Committed<TEvent, TResponse>?)> Run<TState, TEvent, TResponse>(
        IStreamWrite<TState, TEvent, TResponse> write,
        int status,
        CancellationToken ct
    )
        where TEvent : class
        where TResponse : notnull
    {
        var (streamId, key) = (write.StreamId, write.Key);
        var stripe = Stripes[(int)((uint)streamId.GetHashCode() % Stripes.Length)];
        await stripe.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var session = store.LightweightSession();
                var batch = session.CreateBatchQuery();
                var recorded = key is null ? null : batch.Load<IdempotencyRecord>(key.Id);
                var loading = write.Load(batch);
                await batch.Execute(ct);
                if (recorded is not null && await recorded is { } prior)
                    return (Replay(prior, key!), null);

                var (state, read) = await loading;
                var events = write.Decide(state);
                var version = read + events.Count;
                Append(session, streamId, read, events);
                var response = write.Answer(state, events, version);
                var body = JsonSerializer.Serialize(response, response.GetType(), Json);
                if (key is not null)
                    session.Insert(new IdempotencyRecord(key.Id, key.Fingerprint, status, body, streamId, Now));
                try
                {
                    await write.Enlist(session, state, events, ct);
                    await using var outbox = await EnlistAsync(
                        session,
                        await MessagesAsync(write, state, events, session, ct)
                    );
                    await session.SaveChangesAsync(ct);
                    return (new Answer(body, status, streamId, Replayed: false), new(response, events));
                }
                catch (Exception e) when (IsWriteConflict(e) && attempt < MaxAttempts)
                {
                    log.LogDebug("Write conflict on stream {StreamId}, attempt {Attempt}; retrying", streamId, attempt);
                    metrics.WritesRetried.Add(1);
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), ct);
                }
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>The write's own messages, and those telling subscribers of every event it appends.</summary>
    private async Task<IReadOnlyList<ScheduledMessage>> MessagesAsync<TState, TEvent, TResponse>(
        IStreamWrite<TState, TEvent, TResponse> write,
        TState state,
        IReadOnlyList<TEvent> events,
        IDocumentSession session,
        CancellationToken ct
    )
        where TEvent : class
        where TResponse : notnull
    {
        var appended = session.PendingChanges.Streams().SelectMany(s => s.Events);
        var messages = write.Schedule(state, events).ToList();
        foreach (var subscriber in subscribers)
        foreach (var told in await subscriber.MessagesFor(appended, ct))
            messages.Add(new ScheduledMessage(told, Duration.Zero));
        return messages;
    }

    private static void Append<TEvent>(IDocumentSession session, Guid streamId, long read, IReadOnlyList<TEvent> events)
        where TEvent : class
    {
        if (events.Count == 0)
            return;
        if (read == 0)
            session.Events.StartStream(streamId, events.ToArray<object>());
        else
            session.Events.Append(streamId, read + events.Count, events.ToArray<object>());
    }

    /// <summary>
    /// Enlists <paramref name="messages"/> in the session through Wolverine's outbox, in a service scope of their
    /// own that lives until the write is done with; most writes schedule nothing and open no scope.
    /// </summary>
    private async Task<IAsyncDisposable> EnlistAsync(IDocumentSession session, IReadOnlyList<ScheduledMessage> messages)
    {
        if (messages.Count == 0)
            return NothingEnlisted.Instance;
        var scope = services.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        outbox.Enroll(session);
        foreach (var (message, after) in messages)
            if (after > Duration.Zero)
                await outbox.ScheduleAsync(message, after.ToTimeSpan());
            else
                await outbox.SendAsync(message);
        return scope;
    }

    private sealed class NothingEnlisted : IAsyncDisposable
    {
        public static readonly NothingEnlisted Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private Answer Replay(IdempotencyRecord prior, IdempotencyKey key)
    {
        if (prior.Fingerprint != key.Fingerprint)
            throw new Conflict(key.Field, "was already used with a different request");
        metrics.WritesReplayed.Add(1);
        return new Answer(prior.Body, prior.Status, prior.StreamId, Replayed: true);
    }

    /// <summary>Another writer got there first: a newer stream version, or the same key or stream id.</summary>
    public static bool IsWriteConflict(Exception e) =>
        e switch
        {
            ConcurrencyException
            or WriteConflict
            or JasperFx.Events.ExistingStreamIdCollisionException
            or Marten.Exceptions.ExistingStreamIdCollisionException
            or DocumentAlreadyExistsException => true,
            PostgresException
            {
                SqlState: PostgresErrorCodes.UniqueViolation
                    or PostgresErrorCodes.DeadlockDetected
                    or WriteConflict.SqlState,
            } => true,
            _ => e.InnerException is { } inner && IsWriteConflict(inner),
        };

    /// <summary>A write's answer, first or replayed, with the headers that go with it.</summary>
    private sealed record Answer(string Body, int Status, Guid StreamId, bool Replayed, string? Location = null)
        : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            if (Replayed)
                context.Response.Headers["Idempotent-Replay"] = "true";
            if (Location is not null)
                context.Response.Headers.Location = Location;
            return Results.Text(Body, "application/json", statusCode: Status).ExecuteAsync(context);
        }
    }
}
