using Loyalty.Domain.Common;
using Marten.Services.BatchQuerying;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// A write to a small stream read by folding all its events (the program's settings, an API key, the staff roles),
/// answered from the state after it. <see cref="Missing"/>: the stream must exist already; otherwise this refusal.
/// </summary>
public abstract record FoldedStreamWrite<TState, TEvent, TResponse>(Guid StreamId)
    : IStreamWrite<TState, TEvent, TResponse>
    where TEvent : class
    where TResponse : notnull
{
    public IdempotencyKey? Key => null;

    protected abstract TState Initial { get; }

    protected virtual DomainError? Missing => null;

    protected abstract TState Evolve(TState state, TEvent @event);

    public abstract IReadOnlyList<TEvent> Decide(TState state);

    public abstract TResponse Answer(TState after);

    public async Task<Current<TState>> Load(IBatchedQuery batch)
    {
        // No stream has the nil id, and the event store refuses to look for one.
        if (StreamId == Guid.Empty && Missing is { } missing)
            throw missing;
        var stream = await batch.Events.FetchStream(StreamId);
        var events = stream.Select(e => e.Data).OfType<TEvent>().ToList();
        // An id of another kind of stream (a member's, given as a key's) is not found either.
        if (events.Count == 0 && Missing is { } notFound)
            throw notFound;
        return new(events.Aggregate(Initial, Evolve), stream.Count == 0 ? 0 : stream[^1].Version);
    }

    TResponse IStreamWrite<TState, TEvent, TResponse>.Answer(
        TState state,
        IReadOnlyList<TEvent> events,
        long version
    ) => Answer(events.Aggregate(state, Evolve));
}

/// <summary>A write that starts a new stream with its first event, answered with what the caller is to keep.</summary>
public sealed record StartStream<TResponse>(Guid StreamId, IdempotencyKey? Key, object First, TResponse Response)
    : IStreamWrite<object?, object, TResponse>
    where TResponse : notnull
{
    public Task<Current<object?>> Load(IBatchedQuery batch) => Task.FromResult(new Current<object?>(null, 0));

    public IReadOnlyList<object> Decide(object? nothing) => [First];

    public TResponse Answer(object? nothing, IReadOnlyList<object> events, long version) => Response;
}
