using Agents.Ingest.Sources;
using Microsoft.Extensions.Options;

namespace Agents.Ingest.Webhooks;

public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/{source}", Receive)
            .WithTags("Webhooks")
            .WithSummary("Receives a vendor webhook; 202 once the broker has confirmed the ticket.")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> Receive(
        string source, HttpRequest http, IEnumerable<IWebhookSource> sources, TicketPublisher publisher,
        IOptions<IngestOptions> options, ILogger<WebhookRequest> logger, CancellationToken cancellationToken)
    {
        var adapter = sources.FirstOrDefault(s => string.Equals(s.Name, source, StringComparison.OrdinalIgnoreCase));
        if (adapter is null)
            return Results.Problem(statusCode: 404, title: $"Unknown source '{source}'.");

        if (http.ContentType is null || !http.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Results.Problem(statusCode: 415, title: "Content-Type must be application/json.");

        var body = await ReadBodyAsync(http, options.Value.MaxBodyBytes, cancellationToken);
        if (body is null)
            return Results.Problem(statusCode: 413, title: $"The body is larger than {options.Value.MaxBodyBytes} bytes.");

        var request = new WebhookRequest(adapter.Name, http.Method, http.Path + http.QueryString, body,
            http.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), DateTimeOffset.UtcNow);

        // Never open by default: a source without a secret refuses everything.
        var secret = options.Value.Sources.TryGetValue(adapter.Name, out var s) ? s.Secret : null;
        var signatureProblem = string.IsNullOrEmpty(secret) ? "no secret is configured for this source" : adapter.Verify(request, secret);
        if (signatureProblem is not null)
        {
            logger.LogWarning("Refused {Source} webhook: {Reason}", adapter.Name, signatureProblem);
            return Results.Problem(statusCode: 401, title: "Signature verification failed.", detail: signatureProblem);
        }

        var outcome = adapter.Parse(request);
        if (outcome.RefusalStatus is { } status)
        {
            logger.LogWarning("Refused {Source} webhook with {Status}: {Reason}", adapter.Name, status, outcome.RefusalReason);
            return Results.Problem(statusCode: status, title: "The webhook was refused.", detail: outcome.RefusalReason);
        }

        try
        {
            await publisher.PublishAsync(outcome.Tickets, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or MassTransit.MassTransitException or RabbitMQ.Client.Exceptions.RabbitMQClientException)
        {
            logger.LogError(e, "Broker did not confirm {Source} webhook; answering 503", adapter.Name);
            http.HttpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString();
            return Results.Problem(statusCode: 503, title: "The message broker is unavailable; retry later.");
        }

        foreach (var t in outcome.Tickets)
            logger.LogInformation("Accepted {Source} ticket {ExternalId} delivery {DeliveryId}", t.Source, t.ExternalId, t.DeliveryId);
        return Results.Accepted(value: new { accepted = outcome.Tickets.Count, tickets = outcome.Tickets.Select(t => t.ExternalId) });
    }

    /// <summary>The body, or null when it exceeds the limit (read no further than the limit).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest http, long limit, CancellationToken cancellationToken)
    {
        if (http.ContentLength > limit)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
