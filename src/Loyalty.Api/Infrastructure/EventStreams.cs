using System.Text.Json;
using JasperFx;
using JasperFx.Events;
using Loyalty.Domain.Common;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

namespace Loyalty.Api.Infrastructure;

/// <summary>State as read, and the version of the stream it reflects.</summary>
public sealed record Current<TState>(TState State, long Version);

/// <summary>Adds a write's reads to its batched query; the function it returns gives the state once the batch ran.</summary>
public delegate Func<Task<Current<TState>>> Loader<TState>(Marten.Services.BatchQuerying.IBatchedQuery batch);

/// <summary>The state before a write, the events it decided, the state after and the stream version after.</summary>
public sealed record Written<TState, TEvent>(TState Before, IReadOnlyList<TEvent> Events, TState After, long Version);

/// <summary>
/// Every write to a stream goes through here: read the idempotency key's record and the current state in one
/// batch, decide, append expecting the version read (optimistic concurrency), and keep the answer under the
/// key, all in one transaction. A conflict with a concurrent writer is retried here, never bounced to the caller.
/// </summary>
public sealed class EventStreams(
    IDocumentStore store, IClock clock, IOptions<JsonOptions> json, LoyaltyMetrics metrics, ILogger<EventStreams> log)
{
    private const int MaxAttempts = 25;

    // Writers to one member wait for each other in this process, so a burst at one member does not turn
    // into a storm of retries; across processes the stream version is what keeps them apart.
    private static readonly SemaphoreSlim[] Stripes = Enumerable.Range(0, 1024).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public JsonSerializerOptions Json => json.Value.SerializerOptions;

    public IdempotencyKey Key(string id, string field, object request) => IdempotencyKey.For(id, field, request, Json);

    /// <summary>
    /// Append what <paramref name="decide"/> makes of the current state. <paramref name="load"/> adds the reads
    /// it needs to the write's one batched query (with the idempotency key's record), and returns how to get
    /// the state and the stream version it reflects once the batch has run (version 0: the stream does not
    /// exist yet, and this write starts it). Without a key (people's edits, which name the version they read
    /// instead, and jobs) nothing is kept for replays. <paramref name="alsoInTransaction"/> adds work that must
    /// commit with the events or not at all, such as a scheduled message through Wolverine's outbox.
    /// </summary>
    public Task<IResult> Append<TState, TEvent, TResponse>(
        Guid streamId, IdempotencyKey? key, Loader<TState> load, Func<TState, TEvent, TState> evolve,
        Func<TState, IReadOnlyList<TEvent>> decide, Func<Written<TState, TEvent>, TResponse> respond,
        int status, CancellationToken ct, Func<IDocumentSession, Written<TState, TEvent>, ValueTask>? alsoInTransaction = null)
        where TEvent : class where TResponse : notnull =>
        Attempt(streamId, key, load, async (session, current) =>
        {
            var (before, read) = current;
            var events = decide(before);
            var version = read + events.Count;
            if (events.Count > 0 && read == 0) session.Events.StartStream(streamId, events.ToArray<object>());
            else if (events.Count > 0) session.Events.Append(streamId, version, events.ToArray<object>());
            var written = new Written<TState, TEvent>(before, events, events.Aggregate(before, evolve), version);
            if (alsoInTransaction is not null) await alsoInTransaction(session, written);
            return (respond(written), status);
        }, ct);

    /// <summary>Loads a small stream by folding all its events; <paramref name="notFound"/> when it must exist already.</summary>
    public static Loader<TState> Folded<TState, TEvent>(
        Guid streamId, TState initial, Func<TState, TEvent, TState> evolve, DomainError? notFound) where TEvent : class =>
        batch =>
        {
            // No stream has the nil id, and the event store refuses to look for one.
            if (streamId == Guid.Empty && notFound is not null) throw notFound;
            var fetched = batch.Events.FetchStream(streamId);
            return async () =>
            {
                var stream = await fetched;
                var events = stream.Select(e => e.Data).OfType<TEvent>().ToList();
                // An id of another kind of stream (a member's, given as a key's) is not found either.
                if (events.Count == 0 && notFound is not null) throw notFound;
                return new(events.Aggregate(initial, evolve), stream.Count == 0 ? 0 : stream[^1].Version);
            };
        };

    /// <summary>
    /// Start a new stream with its first event, answering with a <c>Location</c> made by <paramref name="location"/>
    /// from the stream's id: on a replay, the id of the stream the first request started.
    /// </summary>
    public Task<IResult> Start<TResponse>(Guid streamId, IdempotencyKey? key, object first, TResponse response,
        int status, Func<Guid, string> location, CancellationToken ct) where TResponse : notnull =>
        Attempt<object?>(streamId, key, _ => () => Task.FromResult(new Current<object?>(null, 0)), (session, _) =>
        {
            session.Events.StartStream(streamId, first);
            return ValueTask.FromResult(((object)response, status));
        }, ct, location);

    public Instant Now => clock.GetCurrentInstant();

    private async Task<IResult> Attempt<TState>(Guid streamId, IdempotencyKey? key, Loader<TState> load,
        Func<IDocumentSession, Current<TState>, ValueTask<(object Body, int Status)>> write, CancellationToken ct,
        Func<Guid, string>? location = null)
    {
        var stripe = Stripes[(int)((uint)streamId.GetHashCode() % Stripes.Length)];
        await stripe.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var session = store.LightweightSession();
                var batch = session.CreateBatchQuery();
                var recorded = key is null ? null : batch.Load<IdempotencyRecord>(key.Id);
                var current = load(batch);
                await batch.Execute(ct);
                if (recorded is not null && await recorded is { } prior)
                    return Replay(prior, key!, location?.Invoke(prior.StreamId));

                var (body, status) = await write(session, await current());
                var text = JsonSerializer.Serialize(body, body.GetType(), Json);
                if (key is not null) session.Insert(new IdempotencyRecord(key.Id, key.Fingerprint, status, text, streamId, Now));
                try
                {
                    await session.SaveChangesAsync(ct);
                    return new Answer(text, status, location?.Invoke(streamId), Replayed: false);
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

    /// <summary>The service's counters, for the jobs that write through these streams.</summary>
    public LoyaltyMetrics Metrics => metrics;

    private IResult Replay(IdempotencyRecord prior, IdempotencyKey key, string? location)
    {
        if (prior.Fingerprint != key.Fingerprint)
            throw new Conflict(key.Field, "was already used with a different request");
        metrics.WritesReplayed.Add(1);
        return new Answer(prior.Body, prior.Status, location, Replayed: true);
    }

    /// <summary>Another writer got there first: a newer stream version, or the same key or stream id.</summary>
    public static bool IsWriteConflict(Exception e) => e switch
    {
        ConcurrencyException or JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException
            or DocumentAlreadyExistsException => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        _ => e.InnerException is { } inner && IsWriteConflict(inner)
    };

    /// <summary>A write's answer, first or replayed, with the headers that go with it.</summary>
    private sealed record Answer(string Body, int Status, string? Location, bool Replayed) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            if (Replayed) context.Response.Headers["Idempotent-Replay"] = "true";
            if (Location is not null) context.Response.Headers.Location = Location;
            return Results.Text(Body, "application/json", statusCode: Status).ExecuteAsync(context);
        }
    }
}
