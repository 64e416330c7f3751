using System.Collections.Concurrent;

namespace Agents.ServiceDefaults;

/// <summary>
/// What is in flight (a delivery being handled, a send awaiting its confirmation) and since when, each item by
/// reference: what the guards that stop an instance for its supervisor count.
/// </summary>
public sealed class InFlightSince<T>(TimeProvider clock) where T : class
{
    private readonly ConcurrentDictionary<T, DateTimeOffset> _since = new(ReferenceEqualityComparer.Instance);

    public void Started(T item) => _since[item] = clock.GetUtcNow();

    public void Ended(T item) => _since.TryRemove(item, out _);

    /// <summary>How many have been in flight for <paramref name="limit"/> or longer, and the oldest of them; null when none.</summary>
    public (int Count, T Oldest, DateTimeOffset Since)? Over(TimeSpan limit)
    {
        var now = clock.GetUtcNow();
        var over = _since.Where(s => now - s.Value >= limit).ToList();
        if (over.Count == 0)
            return null;
        var (oldest, since) = over.MinBy(s => s.Value);
        return (over.Count, oldest, since);
    }
}
