using Agents.Contracts;

namespace Agents.Writer.Tests;

/// <summary>ProposeWrite messages as the classifier builds them.</summary>
public static class Proposals
{
    public static ProposeWrite SetPriority(string externalId, string priority = "high", int recordCount = 1, double confidence = 0.9, string source = "generic") =>
        For(source, externalId, WriteKinds.SetPriority, new Dictionary<string, string> { ["priority"] = priority }, recordCount, confidence);

    public static ProposeWrite AddTags(string externalId, string tags, double confidence = 0.9, string source = "generic") =>
        For(source, externalId, WriteKinds.AddTags, new Dictionary<string, string> { ["tags"] = tags }, 1, confidence);

    public static ProposeWrite SetCategory(string externalId, string category, double confidence = 0.9, string source = "generic") =>
        For(source, externalId, WriteKinds.SetCategory, new Dictionary<string, string> { ["category"] = category }, 1, confidence);

    public static ProposeWrite For(string source, string externalId, string kind, IReadOnlyDictionary<string, string> changes,
        int recordCount, double confidence)
    {
        var key = WriteKey.For(source, externalId, kind);
        return new ProposeWrite
        {
            CorrelationId = WriteKey.CorrelationIdFor(key),
            IdempotencyKey = key,
            Source = source,
            ExternalId = externalId,
            Kind = kind,
            Changes = changes,
            RecordCount = recordCount,
            Subject = "Invoice charged twice",
            Excerpt = "My invoice shows a double charge",
            Classification = new Classification
            {
                Category = "billing", Priority = "high", Sentiment = "negative", Language = "en",
                Confidence = confidence, ClassifiedBy = "rules",
            },
            ProposedAt = DateTimeOffset.UtcNow,
        };
    }
}
