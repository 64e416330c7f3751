using Agents.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Consumers;

/// <summary>
/// Classifies a ticket, publishes the verdict, then either proposes CRM writes or escalates to a person
/// (low confidence, or urgent: a person should see those first).
/// </summary>
public sealed class TicketReceivedConsumer(
    ITicketClassifier classifier,
    IOptions<ClassifierOptions> options,
    ILogger<TicketReceivedConsumer> logger) : IConsumer<TicketReceived>
{
    public async Task Consume(ConsumeContext<TicketReceived> context)
    {
        var ticket = context.Message;
        var classification = await classifier.ClassifyAsync(ticket, context.CancellationToken);
        await context.Publish(new TicketClassified
        {
            Source = ticket.Source,
            ExternalId = ticket.ExternalId,
            Classification = classification,
        });

        var escalation = EscalationReason(classification);
        if (escalation is not null)
        {
            logger.LogInformation("Ticket {Source}/{ExternalId} escalated: {Reason}", ticket.Source, ticket.ExternalId, escalation);
            await context.Publish(new TicketEscalated
            {
                Source = ticket.Source,
                ExternalId = ticket.ExternalId,
                Reason = escalation,
                Classification = classification,
            });
            return;
        }

        foreach (var proposal in ProposalFactory.For(ticket, classification))
            await context.Publish(proposal);
        logger.LogInformation("Ticket {Source}/{ExternalId} classified as {Category}/{Priority} by {ClassifiedBy}",
            ticket.Source, ticket.ExternalId, classification.Category, classification.Priority, classification.ClassifiedBy);
    }

    private string? EscalationReason(Classification c) =>
        c.Priority == "urgent" ? "priority is urgent"
        : c.Confidence < options.Value.EscalationThreshold ? $"confidence {c.Confidence:0.00} below {options.Value.EscalationThreshold:0.00}"
        : null;
}
