using Agents.Webhooks;

namespace Agents.Harness;

/// <summary>
/// Signed generic webhooks sent to ingest as a CRM sends them (<see cref="WebhookSender"/>): a 503 (the broker did not
/// confirm within ingest's publish timeout, seen in CI at a load average of 50), 429, 502 or no answer is tried again
/// with backoff. For a test that needs a ticket in; a test whose subject is ingest's answer sends the request itself.
/// </summary>
public static class CrmWebhooks
{
    /// <summary>Enough tries to outlast a broker slow for ~15 s (backoff 0.2, 0.4, … 5 s), few enough that a real failure ends the test.</summary>
    private const int SingleAttempts = 8;

    /// <summary>A sender spreading signed generic webhooks over <paramref name="ingest"/> (what load runs and benchmarks send with).</summary>
    public static WebhookSender Sender(IReadOnlyList<Uri> ingest, int concurrency = 16, int maxAttempts = 12, TimeSpan? timeout = null,
        bool recordAttempts = false) =>
        new(ingest, (body, id) => SignedWebhooks.Generic("/" + WebhookSender.GenericPath, body, id), concurrency, maxAttempts, timeout,
            recordAttempts: recordAttempts);

    /// <summary>
    /// Sends one webhook to the ingest at <paramref name="ingest"/> until it is answered for good; <see cref="DeliveryResult.Accepted"/>
    /// says whether the ticket got in (202, or 200 when a retried attempt found the first one's copy already published).
    /// </summary>
    public static async Task<DeliveryResult> SendAsync(Uri ingest, string body, string webhookId, CancellationToken cancellationToken = default) =>
        (await Sender([ingest], concurrency: 1, maxAttempts: SingleAttempts)
            .SendAsync([new WebhookDelivery(webhookId, webhookId, body)], cancellationToken)).Single();
}
