using System.Collections.Concurrent;
using Agents.Contracts;

namespace Agents.Classifier.Persistence;

/// <summary>The cache for a single process without a database (the replay tool's dry run).</summary>
public sealed class InMemoryClassificationCache : IClassificationCache
{
    private readonly ConcurrentDictionary<string, Classification> _entries = new();
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<(Classification Classification, bool Hit)> GetOrClassifyAsync(string contentHash,
        Func<CancellationToken, Task<CacheableClassification>> classify, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_entries.TryGetValue(contentHash, out var cached))
                return (cached, true);
            var result = await classify(cancellationToken);
            if (result.Cacheable)
                _entries[contentHash] = result.Classification;
            return (result.Classification, false);
        }
        finally
        {
            _lock.Release();
        }
    }
}
