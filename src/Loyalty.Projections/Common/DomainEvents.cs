using Loyalty.Domain.Members;

namespace Loyalty.Projections.Common;

/// <summary>The event types a projection takes, by the marker interface of their stream.</summary>
public static class DomainEvents
{
    /// <summary>
    /// Every concrete event type implementing <typeparamref name="TMarker"/>. A projection given this list is not
    /// run, and loads no document, for a write that appends none of them (an inline projection otherwise loads its
    /// document on every write to every stream).
    /// </summary>
    public static IEnumerable<Type> Implementing<TMarker>() =>
        typeof(IMemberEvent)
            .Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(TMarker).IsAssignableFrom(t));
}
