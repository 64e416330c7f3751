using Agents.Contracts;

namespace Agents.Classifier.Persistence;

/// <summary>What classifying a piece of content produced, and whether it may be reused for the same content.</summary>
public sealed record CacheableClassification(Classification Classification, bool Cacheable, string? Model = null);

/// <summary>
/// Classifies each content hash once: a second delivery of the same content (any instance, any time) gets the
/// stored answer without calling the LLM. Concurrent callers with one hash are serialized, so they cannot both
/// miss and both call.
/// </summary>
public interface IClassificationCache
{
    Task<(Classification Classification, bool Hit)> GetOrClassifyAsync(string contentHash,
        Func<CancellationToken, Task<CacheableClassification>> classify, CancellationToken cancellationToken);
}
