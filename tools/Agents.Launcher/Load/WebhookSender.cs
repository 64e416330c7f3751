using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Agents.Launcher.Load;

/// <summary>What happened to one delivery: the final status, attempts made, the answering attempt's latency.</summary>
public sealed record DeliveryResult(TicketDelivery Delivery, HttpStatusCode? Status, int Attempts, TimeSpan Latency, DateTimeOffset AcceptedAt)
{
    public bool Accepted => Status is { } s && (int)s is >= 200 and < 300;
}

/// <summary>
/// Sends webhooks the way a CRM does: a few at a time, spread over the ingest instances (a load balancer), and a
/// delivery answered 503 / 429 or not answered at all is retried with backoff, a bounded number of times.
/// </summary>
public sealed class WebhookSender(
    IReadOnlyList<Uri> ingestUrls,
    Func<string, string, HttpRequestMessage> sign,
    int concurrency = 16,
    int maxAttempts = 12,
    TimeSpan? timeout = null)
{
    private readonly HttpClient _http = new() { Timeout = timeout ?? TimeSpan.FromSeconds(10) };
    private int _next;

    /// <summary>Path the requests go to; <paramref name="sign"/> builds the signed request for it.</summary>
    public const string GenericPath = "webhooks/generic";

    private int _retries;
    private int _completed;

    /// <summary>Attempts that were refused (503/429/502) or not answered, and so were retried.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Deliveries finished so far (accepted, refused for good, or given up).</summary>
    public int Completed => Volatile.Read(ref _completed);

    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(IReadOnlyList<TicketDelivery> deliveries, CancellationToken cancellationToken)
    {
        var results = new ConcurrentBag<DeliveryResult>();
        await Parallel.ForEachAsync(deliveries,
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (delivery, ct) =>
            {
                results.Add(await DeliverAsync(delivery, ct));
                Interlocked.Increment(ref _completed);
            });
        return results.ToList();
    }

    private async Task<DeliveryResult> DeliverAsync(TicketDelivery delivery, CancellationToken cancellationToken)
    {
        HttpStatusCode? status = null;
        var elapsed = TimeSpan.Zero;
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            var url = ingestUrls[(int)((uint)Interlocked.Increment(ref _next) % ingestUrls.Count)];
            using var request = sign(delivery.Body, delivery.WebhookId);
            request.RequestUri = new Uri(url, GenericPath);
            var watch = Stopwatch.StartNew();
            TimeSpan? retryAfter = null;
            try
            {
                using var response = await _http.SendAsync(request, cancellationToken);
                elapsed = watch.Elapsed;
                status = response.StatusCode;
                if (status is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway))
                    return new DeliveryResult(delivery, status, attempt, elapsed, DateTimeOffset.UtcNow);
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // connection refused (instance down) or no answer in time: retry like a CRM does
                status = null;
            }
            Interlocked.Increment(ref _retries);
            // Exponential backoff, capped; a Retry-After shorter than the cap is honoured.
            var backoff = TimeSpan.FromMilliseconds(Math.Min(5000, 200 * Math.Pow(2, attempt - 1)));
            if (retryAfter is { } ra && ra < backoff)
                backoff = ra;
            await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(100)), cancellationToken);
        }
        return new DeliveryResult(delivery, status, maxAttempts, elapsed, default);
    }
}
