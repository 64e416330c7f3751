using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Agents.Webhooks;

/// <summary>
/// Sends webhooks the way a CRM does: a few at a time, spread over the ingest instances (a load balancer), and a
/// delivery answered 503 / 429 / 502 or not answered at all is retried with backoff, a bounded number of times.
/// </summary>
/// <param name="sign">Builds the signed request for a body and webhook-id; called again for every attempt (a fresh timestamp).</param>
/// <param name="maxRetryAfter">
/// Null: retry on our own backoff and take a Retry-After only when it is shorter (a load generator probing for the
/// moment the system is back). Set: wait what the server asks, up to this long (a polite sender, the replay tool).
/// </param>
/// <param name="recordAttempts">
/// Keep a line per attempt (when, which instance, what answer) in <see cref="DeliveryResult.AttemptLog"/>: off for
/// benchmarks (a string per request on their clock), on for fault runs, whose failure report shows how a ticket got in.
/// </param>
public sealed class WebhookSender(
    IReadOnlyList<Uri> ingestUrls,
    Func<string, string, HttpRequestMessage> sign,
    int concurrency = 16,
    int maxAttempts = 12,
    TimeSpan? timeout = null,
    TimeSpan? maxRetryAfter = null,
    bool recordAttempts = false)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
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

    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken)
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

    private async Task<DeliveryResult> DeliverAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        HttpStatusCode? status = null;
        string? answer = null;
        var elapsed = TimeSpan.Zero;
        var log = recordAttempts ? new List<string>(1) : null;
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
                answer = await ReadAnswerAsync(response, cancellationToken);
                log?.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {url.Authority} {(int)response.StatusCode} in {elapsed.TotalMilliseconds:0} ms");
                if (status is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway))
                    return new DeliveryResult(delivery, status, attempt, elapsed, DateTimeOffset.UtcNow, answer, log);
                retryAfter = response.Headers.RetryAfter?.Delta
                    ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            }
            catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // connection refused (instance down) or no answer in time: retry like a CRM does
                status = null;
                answer = e.Message;
                log?.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {url.Authority} no answer after {watch.Elapsed.TotalMilliseconds:0} ms ({e.GetType().Name})");
            }
            if (attempt == maxAttempts)
                break;
            Interlocked.Increment(ref _retries);
            await Task.Delay(Delay(attempt, retryAfter) + TimeSpan.FromMilliseconds(Random.Shared.Next(100)), cancellationToken);
        }
        return new DeliveryResult(delivery, status, maxAttempts, elapsed, default, answer, log);
    }

    /// <summary>Exponential backoff from 200 ms, capped; a Retry-After as <c>maxRetryAfter</c> says.</summary>
    private TimeSpan Delay(int attempt, TimeSpan? retryAfter)
    {
        var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 200 * Math.Pow(2, attempt - 1)));
        if (retryAfter is not { } asked || asked < TimeSpan.Zero)
            return backoff;
        if (maxRetryAfter is { } cap)
            return asked < cap ? asked : cap;
        return asked < backoff ? asked : backoff;
    }

    private static async Task<string> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length <= DeliveryResult.MaxAnswerLength ? text : text[..DeliveryResult.MaxAnswerLength];
    }
}
