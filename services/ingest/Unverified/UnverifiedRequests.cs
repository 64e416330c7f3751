using Microsoft.AspNetCore.Http.HttpResults;
using Agents.Ingest.Webhooks;
using System.Globalization;

namespace Agents.Ingest.Unverified;

/// <summary>
/// The answer to a request that has not proven who sent it (an unknown source, a body too large to check, a bad or
/// missing signature, a source without a secret): it costs a counter, and at most a sampled row and a log line a
/// second (<see cref="UnverifiedSample"/>). Over its client address's budget for such requests it gets 429 and
/// costs only the counter. Nothing of it reaches the quarantine, the delivery table or the broker.
/// </summary>
public sealed class UnverifiedRequests(WebhookBudgets budgets, UnverifiedSample sample, IngestMetrics metrics, ILogger<UnverifiedRequests> logger)
{
    public const string UnknownSource = "unknown_source";
    public const string TooLarge = "too_large";
    public const string Signature = "signature";
    public const string OverBudget = "over_budget";

    /// <param name="source">The source named in the path (for an unknown one, the stranger's text).</param>
    /// <param name="metricSource">The source as a metric tag: a known name or <c>unknown</c>, never the stranger's text.</param>
    public ProblemHttpResult Refuse(HttpContext http, string source, string metricSource, int status, string reason, string title, string detail,
        IReadOnlyDictionary<string, string> headers, byte[] body, long bodySize, DateTimeOffset receivedAt)
    {
        if (!budgets.TryStranger(http, out var wait))
        {
            metrics.Unverified(metricSource, OverBudget);
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            http.Response.Headers.RetryAfter = seconds;
            return TypedResults.Problem(statusCode: 429, title: "Too many unverified requests from this address.", detail: $"Retry after {seconds} seconds.");
        }
        metrics.Unverified(metricSource, reason);
        var address = WebhookBudgets.AddressKey(http.Connection.RemoteIpAddress);
        if (sample.TryKeep(source, status, reason, detail, http.Connection.RemoteIpAddress?.ToString(), headers, body, bodySize, receivedAt, out var notKept))
        {
            logger.LogWarning("Refused {Source} webhook from {Address} with {Status}: {Detail} ({NotKept} other unverified requests refused since the last one logged)",
                metricSource, address, status, detail, notKept);
        }
        return TypedResults.Problem(statusCode: status, title: title, detail: detail);
    }
}
