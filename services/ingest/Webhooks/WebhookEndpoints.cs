using Agents.Ingest.Requests;
using Agents.Ingest.Quarantine;
using Agents.Ingest.Sources;
using Agents.Ingest.Unverified;
using Agents.Ingest.Verification;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WebhookResult = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Accepted<Agents.Ingest.Webhooks.WebhookAnswer>,
    Microsoft.AspNetCore.Http.HttpResults.Ok<Agents.Ingest.Webhooks.WebhookAnswer>,
    // Front's handshake answer is 200 too; kept untyped in the document, where 200 names the usual answer.
    Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Agents.Ingest.Webhooks.ChallengeAnswer>,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;

namespace Agents.Ingest.Webhooks;

/// <summary>The webhook handler (route: <see cref="IngestApi"/>).</summary>
public static class WebhookEndpoints
{
    /// <summary>POST /webhooks/{source}: verify, then publish (202), acknowledge (200) or refuse with a problem.</summary>
    public static async Task<WebhookResult> ReceiveAsync(
        string source, HttpContext http, IEnumerable<IWebhookSource> sources, WebhookPipeline pipeline, QuarantineStore quarantine,
        UnverifiedRequests strangers, WebhookBudgets budgets, IngestMetrics metrics, IOptions<IngestOptions> options, TimeProvider clock,
        ILogger<WebhookRequest> logger)
    {
        var settings = options.Value;
        var cancellationToken = http.RequestAborted;
        var receivedAt = clock.GetUtcNow();
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var adapter = sources.Named(source);
        if (adapter is null)
            return Answer(metrics, "unknown", strangers.Refuse(http, source, "unknown", 404, UnverifiedRequests.UnknownSource,
                "Unknown source.", "See the README for the sources ingest knows.", headers, [], http.Request.ContentLength ?? 0, receivedAt));

        // Nothing costly before the sender has proven who it is: the body is read within the limit (a signature is
        // over the bytes), checked, and only a verified delivery may reach the database or the broker.
        var (body, size) = await BodyReader.ReadAsync(http.Request, settings.MaxBodyBytes, cancellationToken);
        if (size > settings.MaxBodyBytes)
            return Answer(metrics, adapter.Name, strangers.Refuse(http, adapter.Name, adapter.Name, 413, UnverifiedRequests.TooLarge,
                $"The body is larger than {settings.MaxBodyBytes} bytes.", $"body of {size} bytes", headers, body, size, receivedAt));
        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
        var request = new WebhookRequest(adapter.Name, http.Request.Method, url, body, headers, receivedAt);

        // Never open by default: a source without a secret refuses everything.
        var sourceOptions = settings.Sources.TryGetValue(adapter.Name, out var o) ? o : new SourceOptions();
        var signatureProblem = string.IsNullOrEmpty(sourceOptions.Secret)
            ? "no secret is configured for this source"
            : adapter.Verify(request, new VerificationContext(sourceOptions.Secret, sourceOptions, receivedAt, settings.SignatureTolerance));
        if (signatureProblem is not null)
            return Answer(metrics, adapter.Name, strangers.Refuse(http, adapter.Name, adapter.Name, 401, UnverifiedRequests.Signature,
                "Signature verification failed.", signatureProblem, headers, body, size, receivedAt));

        // Verified from here: the source's own budget, apart from what strangers spend.
        if (!budgets.TryVerified(adapter.Name, out var wait))
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return await RefuseAsync(429, "over the per-source rate limit", request);
        }
        if (!IsJson(http.Request.ContentType))
            return await RefuseAsync(415, "Content-Type must be application/json.", request);

        // Only after the signature: a forged handshake gets 401 like any other forgery.
        if (adapter.Challenge(request) is { } challenge)
        {
            logger.LogInformation("Answered the {Source} webhook validation challenge", adapter.Name);
            return Answer(metrics, adapter.Name, (WebhookResult)TypedResults.Json(new ChallengeAnswer(challenge)));
        }

        var result = await pipeline.RunAsync(adapter, request, cancellationToken);
        if (result.Status == StatusCodes.Status503ServiceUnavailable)
            http.Response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (result.Refused)
            return await RefuseAsync(result.Status, result.Reason!, request);
        if (result.Status == StatusCodes.Status200OK && !result.Duplicate)
            logger.LogInformation("{Source} webhook acknowledged without a ticket: {Note}", adapter.Name, result.Reason);
        return Answer(metrics, adapter.Name, result.Status == StatusCodes.Status202Accepted
            ? TypedResults.Accepted((string?)null, new WebhookAnswer(result.Published, false, null, result.Tickets, result.Warnings))
            : (WebhookResult)TypedResults.Ok(new WebhookAnswer(0, result.Duplicate, result.Reason)));

        // A verified delivery refused: kept in quarantine, where an operator can read and replay it.
        async Task<WebhookResult> RefuseAsync(int status, string reason, WebhookRequest refused)
        {
            logger.LogWarning("Refused {Source} webhook with {Status}: {Reason}", refused.Source, status, reason);
            await quarantine.KeepAsync(QuarantineEntry.From(refused, QuarantineReasons.For(status), status, reason), CancellationToken.None);
            var title = status switch
            {
                503 => reason,
                429 => "Too many requests for this source.",
                _ => "The webhook was refused.",
            };
            return Answer(metrics, refused.Source, (WebhookResult)TypedResults.Problem(statusCode: status, title: title,
                detail: status == 503 ? "Kept in quarantine as deferred; the retry will be accepted once the broker is back." : reason));
        }
    }

    private static WebhookResult Answer(IngestMetrics metrics, string source, WebhookResult answer)
    {
        metrics.Answered(source, answer.Result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200);
        return answer;
    }

    private static bool IsJson(string? contentType)
    {
        if (contentType is null) return false;
        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>The body of a 200/202: how many tickets were published, whether it was a duplicate, notes and warnings.</summary>
public sealed record WebhookAnswer(int Accepted, bool Duplicate, string? Note, IReadOnlyList<string>? Tickets = null, IReadOnlyList<string>? Warnings = null);
