using Agents.Ingest.Webhooks;

namespace Agents.Ingest.Sources;

/// <summary>One vendor's webhooks: how it signs them and how its payload becomes tickets.</summary>
public interface IWebhookSource
{
    /// <summary>The path segment: POST /webhooks/{Name}.</summary>
    string Name { get; }

    /// <summary>Null when the signature is good, otherwise the reason it is not.</summary>
    string? Verify(WebhookRequest request, string secret);

    WebhookOutcome Parse(WebhookRequest request);
}
