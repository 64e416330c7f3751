using Agents.Contracts;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// What became of a delivery after parsing and normalizing: tickets to publish, a note for a delivery that carries
/// no ticket (GitHub's ping: 200, nothing published), or a refusal with its status and reason.
/// </summary>
public sealed record WebhookOutcome(IReadOnlyList<TicketReceived> Tickets, int Status, string? Reason)
{
    public bool Refused => Status >= 400;

    public static WebhookOutcome Accepted(IReadOnlyList<TicketReceived> tickets) => new(tickets, StatusCodes.Status202Accepted, null);
    public static WebhookOutcome Ignored(string note) => new([], StatusCodes.Status200OK, note);
    public static WebhookOutcome Malformed(string reason) => new([], StatusCodes.Status400BadRequest, reason);
    public static WebhookOutcome NoTicketIdentity(string reason) => new([], StatusCodes.Status422UnprocessableEntity, reason);
}
