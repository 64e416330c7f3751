using Agents.Contracts;

namespace Agents.Classifier.Persistence;

/// <summary>
/// What classifying a piece of content produced. Every answer is stored, so all copies of one content get one
/// decision; a <see cref="Fallback"/> (rules, while the LLM failed) stands only for the fallback TTL.
/// </summary>
public sealed record CacheableClassification(Classification Classification, string? Model = null, bool Fallback = false)
{
    /// <summary>What a fallback row stores as its model: the cache reads such rows only within the TTL.</summary>
    public const string FallbackModel = "rules-fallback";
}

/// <summary>
/// Classifies each content hash once: a second delivery of the same content (any instance, any time; a fallback
/// answer within its TTL) gets the stored answer without calling the LLM. Of concurrent callers with one hash, one
/// classifies and the others wait for its answer, so they cannot both miss and both call.
/// </summary>
public interface IClassificationCache
{
    Task<(Classification Classification, bool Hit)> GetOrClassifyAsync(string contentHash,
        Func<CancellationToken, Task<CacheableClassification>> classify, CancellationToken cancellationToken);
}
