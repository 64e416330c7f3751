using Agents.Contracts;
using Agents.Writer.Telemetry;
using MassTransit;

namespace Agents.Writer.Escalations;

/// <summary>
/// Every escalation lands with a person: into the inbox (<see cref="EscalationInbox"/>), and, for a new row, as an
/// <c>escalate</c> write to the ticket's CRM (<see cref="EscalateProposal"/>). The proposal goes straight to the broker,
/// confirmed, inside the inbox's transaction: the endpoint's outbox would send it after the commit, and a send failing
/// then would leave a row whose CRM write was never proposed. A copy finds the row and proposes nothing again.
/// </summary>
public sealed class TicketEscalatedConsumer(EscalationInbox inbox, IBus bus, WriterMetrics metrics, TimeProvider clock,
    ILogger<TicketEscalatedConsumer> logger)
    : IConsumer<TicketEscalated>
{
    public async Task Consume(ConsumeContext<TicketEscalated> context)
    {
        var message = context.Message;
        var (outcome, row) = await inbox.RecordAsync(message, (row, ct) => bus.Publish(EscalateProposal.For(message, row, clock.GetUtcNow()), p =>
        {
            p.ConversationId = context.ConversationId;
            p.InitiatorId = context.MessageId;
        }, ct), context.CancellationToken);
        metrics.EscalationReceived(outcome == InboxOutcome.New ? "new" : "duplicate");
        if (outcome == InboxOutcome.New)
            logger.LogInformation("Escalation {Id} of ticket {Source}/{ExternalId} (generation {Generation}) in the inbox: {Reason}",
                row.Id, message.Source, message.ExternalId, row.Generation, message.Reason);
        else
            logger.LogInformation("Escalation of ticket {Source}/{ExternalId} is already in the inbox as {Id}: counted as a duplicate",
                message.Source, message.ExternalId, row.Id);
    }
}
