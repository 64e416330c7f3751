using Agents.Ingest.Quarantine;
using Agents.Ingest.Webhooks;

namespace Agents.Ingest;

/// <summary>
/// Every route of ingest in one table: path, tag, who may call it, and its handler, a static method in its behaviour
/// folder. Handlers return typed results, so the OpenAPI document takes each success status and body from their
/// signatures; the problem statuses are listed here (<c>ProducesProblem</c>), since one ProblemHttpResult type
/// stands for all of them. Not in this table: /health/* and /openapi/v1.json (mapped by ServiceDefaults'
/// <c>MapAgentsHealth</c> and <c>MapOpenApi</c> in <see cref="IngestService"/>).
/// </summary>
public static class IngestApi
{
    public static WebApplication MapIngestApi(this WebApplication app)
    {
        // Vendors: no token, a signature per source (a stranger who has not proven who it is costs nothing).
        app.MapPost("/webhooks/{source}", WebhookEndpoints.ReceiveAsync)
            .WithTags("Webhooks")
            .WithSummary("Receives a vendor webhook; 202 once the broker has confirmed the ticket.")
            .WithDescription("Sources: generic, zendesk, freshdesk, groove, intercom, front, jira, github, hubspot. "
                + "The body is the vendor's JSON (application/json), signed as the README describes per source. "
                + "200 for a recognised duplicate or an event that carries no ticket (nothing published). "
                + "Front's validation request (X-Front-Challenge, signed like its events) gets 200 {\"challenge\":\"<the header's value>\"} "
                + "once its signature is verified; nothing is published or quarantined. "
                + "Jira descriptions and comments in Atlassian Document Format are converted to plain text. "
                + "A request that has not proven who sent it (401, 404, 413) is not stored; over its address's budget for such requests it gets 429.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // Operators (an operator's token): read and replay what was refused.
        var quarantine = app.MapGroup("/quarantine").WithTags("Quarantine").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        quarantine.MapGet("/", QuarantineEndpoints.ListAsync)
            .WithSummary("Refused deliveries, newest first.");
        quarantine.MapGet("/unverified", QuarantineEndpoints.UnverifiedAsync)
            .WithSummary("The sample of requests refused before they proved who sent them, newest first.");
        quarantine.MapGet("/{id:long}", QuarantineEndpoints.GetAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One refused delivery with its body and headers.");
        quarantine.MapPost("/{id:long}/replay", QuarantineEndpoints.ReplayAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Runs the stored body through normalization and publish again.");
        return app;
    }
}
