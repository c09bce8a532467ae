using System.Collections.Concurrent;

namespace Loyalty.Api.Infrastructure;

/// <summary>
/// Keeps a value read from the database for a few seconds, to spare a round trip on every request. A change
/// made by this process forgets the value at once; one made by another node is seen within
/// <see cref="Lifetime"/>.
/// </summary>
public class ShortCache<TKey, TValue>(TimeSpan lifetime)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, long Expires)> _entries = new();

    public TimeSpan Lifetime => lifetime;

    public async ValueTask<TValue> GetAsync(TKey key, Func<TKey, Task<TValue>> read)
    {
        var now = Environment.TickCount64;
        if (_entries.TryGetValue(key, out var entry) && entry.Expires > now)
            return entry.Value;
        var value = await read(key);
        if (lifetime > TimeSpan.Zero)
            _entries[key] = (value, now + (long)lifetime.TotalMilliseconds);
        return value;
    }

    public void Forget(TKey key) => _entries.TryRemove(key, out _);
}
