using Agents.Webhooks;

namespace Agents.Replay;

/// <summary>
/// Sends replayed tickets to ingest's generic webhook, signed with the generic source's secret, through the same
/// sender the load runs use: bounded concurrency, 429/503 retried with their Retry-After, a bounded number of times.
/// </summary>
public sealed class IngestReplayer
{
    private readonly WebhookSender _sender;

    public IngestReplayer(Uri ingest, ReplayOptions options)
    {
        var secret = string.IsNullOrEmpty(options.IngestSecret)
            ? throw new ArgumentException("The live replay needs the generic source's secret (Replay__IngestSecret).", nameof(options))
            : options.IngestSecret;
        // A base URL without a trailing slash would lose its last path segment when the webhook path is added.
        var baseUrl = ingest.AbsoluteUri.EndsWith('/') ? ingest : new Uri(ingest.AbsoluteUri + "/");
        _sender = new WebhookSender([baseUrl],
            (body, id) => StandardWebhookSigner.Request("/" + WebhookSender.GenericPath, body, id, secret),
            Math.Max(1, options.Concurrency), Math.Max(1, options.MaxAttempts), options.Timeout, options.MaxRetryAfter);
    }

    /// <summary>Tickets answered so far (for the progress bar).</summary>
    public int Completed => _sender.Completed;

    /// <summary>Every delivery's outcome, in the order of <paramref name="deliveries"/>.</summary>
    public async Task<LiveReplayReport> SendAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        var results = await _sender.SendAsync(deliveries, cancellationToken);
        // By reference: two rows may carry the same ids (a file with repeated rows), each keeps its place.
        var position = new Dictionary<WebhookDelivery, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < deliveries.Count; i++)
            position.TryAdd(deliveries[i], i);
        return new LiveReplayReport(results.OrderBy(r => position[r.Delivery]).Select(DeliveryOutcome.From).ToList());
    }
}
