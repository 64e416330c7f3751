using Agents.Ingest.Requests;
using Agents.Ingest.Normalization;
using Agents.Ingest.Verification;

namespace Agents.Ingest.Sources;

/// <summary>One vendor's webhooks: how it signs them and how its payload becomes ticket drafts.</summary>
public interface IWebhookSource
{
    /// <summary>The path segment: POST /webhooks/{Name}.</summary>
    string Name { get; }

    /// <summary>Null when the signature (or shared secret) is good, otherwise the reason it is not.</summary>
    string? Verify(WebhookRequest request, VerificationContext context);

    /// <summary>
    /// The value to echo when a verified request is the vendor's validation handshake (Front's
    /// <c>X-Front-Challenge</c>), otherwise null. A handshake is answered and nothing else: not read, published or kept.
    /// </summary>
    string? Challenge(WebhookRequest request) => null;

    /// <summary>True when the payload is a JSON array (HubSpot's batches); otherwise anything but an object gets 422.</summary>
    bool ReadsArrays => false;

    /// <summary>Reads the parsed JSON; never throws for odd content (the reader turns it into warnings).</summary>
    SourceResult Read(WebhookRequest request, PayloadReader payload);
}
