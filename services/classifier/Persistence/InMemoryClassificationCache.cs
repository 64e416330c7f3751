using System.Collections.Concurrent;
using Agents.Contracts;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Persistence;

/// <summary>The cache for a single process without a database (the replay tool's dry run).</summary>
public sealed class InMemoryClassificationCache(IOptions<ClassifierOptions> options) : IClassificationCache
{
    private readonly ConcurrentDictionary<string, (Classification Classification, DateTimeOffset Until)> _entries = new();
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<(Classification Classification, bool Hit)> GetOrClassifyAsync(string contentHash,
        Func<CancellationToken, Task<CacheableClassification>> classify, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_entries.TryGetValue(contentHash, out var cached) && cached.Until > DateTimeOffset.UtcNow)
                return (cached.Classification, true);
            var result = await classify(cancellationToken);
            _entries[contentHash] = (result.Classification,
                result.Fallback ? DateTimeOffset.UtcNow + options.Value.Llm.FallbackAnswerTtl : DateTimeOffset.MaxValue);
            return (result.Classification, false);
        }
        finally
        {
            _lock.Release();
        }
    }
}
