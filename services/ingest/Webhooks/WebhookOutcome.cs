using Agents.Contracts;

namespace Agents.Ingest.Webhooks;

/// <summary>What a source made of a delivery: tickets to publish, or why it was refused.</summary>
public sealed record WebhookOutcome(IReadOnlyList<TicketReceived> Tickets, int? RefusalStatus, string? RefusalReason)
{
    public static WebhookOutcome Accepted(params TicketReceived[] tickets) => new(tickets, null, null);
    public static WebhookOutcome Accepted(IReadOnlyList<TicketReceived> tickets) => new(tickets, null, null);
    public static WebhookOutcome Malformed(string reason) => new([], StatusCodes.Status400BadRequest, reason);
    public static WebhookOutcome NoTicketIdentity(string reason) => new([], StatusCodes.Status422UnprocessableEntity, reason);
    public static WebhookOutcome Unauthorized(string reason) => new([], StatusCodes.Status401Unauthorized, reason);
}
