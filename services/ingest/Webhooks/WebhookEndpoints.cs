using Agents.Ingest.Requests;
using Agents.Ingest.Quarantine;
using Agents.Ingest.Sources;
using Agents.Ingest.Unverified;
using Agents.Ingest.Verification;
using Microsoft.Extensions.Options;

namespace Agents.Ingest.Webhooks;

public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/{source}", Receive)
            .WithTags("Webhooks")
            .WithSummary("Receives a vendor webhook; 202 once the broker has confirmed the ticket.")
            .WithDescription("Sources: generic, zendesk, freshdesk, groove, intercom, front, jira, github, hubspot. "
                + "The body is the vendor's JSON (application/json), signed as the README describes per source. "
                + "200 for a recognised duplicate or an event that carries no ticket (nothing published). "
                + "Front's validation request (X-Front-Challenge, signed like its events) gets 200 {\"challenge\":\"<the header's value>\"} "
                + "once its signature is verified; nothing is published or quarantined. "
                + "Jira descriptions and comments in Atlassian Document Format are converted to plain text. "
                + "A request that has not proven who sent it (401, 404, 413) is not stored; over its address's budget for such requests it gets 429.")
            .Produces<WebhookAnswer>(StatusCodes.Status202Accepted)
            .Produces<WebhookAnswer>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> Receive(
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
            return Answer(metrics, adapter.Name, Results.Json(new ChallengeAnswer(challenge)));
        }

        var result = await pipeline.RunAsync(adapter, request, cancellationToken);
        if (result.Status == StatusCodes.Status503ServiceUnavailable)
            http.Response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (result.Refused)
            return await RefuseAsync(result.Status, result.Reason!, request);
        if (result.Status == StatusCodes.Status200OK && !result.Duplicate)
            logger.LogInformation("{Source} webhook acknowledged without a ticket: {Note}", adapter.Name, result.Reason);
        return Answer(metrics, adapter.Name, result.Status == StatusCodes.Status202Accepted
            ? Results.Json(new WebhookAnswer(result.Published, false, null, result.Tickets, result.Warnings), statusCode: 202)
            : Results.Ok(new WebhookAnswer(0, result.Duplicate, result.Reason)));

        // A verified delivery refused: kept in quarantine, where an operator can read and replay it.
        async Task<IResult> RefuseAsync(int status, string reason, WebhookRequest refused)
        {
            logger.LogWarning("Refused {Source} webhook with {Status}: {Reason}", refused.Source, status, reason);
            await quarantine.KeepAsync(QuarantineEntry.From(refused, QuarantineReasons.For(status), status, reason), CancellationToken.None);
            var title = status switch
            {
                503 => reason,
                429 => "Too many requests for this source.",
                _ => "The webhook was refused.",
            };
            return Answer(metrics, refused.Source, Results.Problem(statusCode: status, title: title,
                detail: status == 503 ? "Kept in quarantine as deferred; the retry will be accepted once the broker is back." : reason));
        }
    }

    private static IResult Answer(IngestMetrics metrics, string source, IResult result)
    {
        metrics.Answered(source, result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200);
        return result;
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
