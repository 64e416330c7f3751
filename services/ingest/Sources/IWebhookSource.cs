using Agents.Ingest.Normalization;
using Agents.Ingest.Verification;
using Agents.Ingest.Webhooks;

namespace Agents.Ingest.Sources;

/// <summary>One vendor's webhooks: how it signs them and how its payload becomes ticket drafts.</summary>
public interface IWebhookSource
{
    /// <summary>The path segment: POST /webhooks/{Name}.</summary>
    string Name { get; }

    /// <summary>Null when the signature (or shared secret) is good, otherwise the reason it is not.</summary>
    string? Verify(WebhookRequest request, VerificationContext context);

    /// <summary>True when the payload is a JSON array (HubSpot's batches); otherwise anything but an object gets 422.</summary>
    bool ReadsArrays => false;

    /// <summary>Reads the parsed JSON; never throws for odd content (the reader turns it into warnings).</summary>
    SourceResult Read(WebhookRequest request, PayloadReader payload);
}
