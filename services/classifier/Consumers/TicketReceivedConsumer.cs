using Agents.Classifier.Persistence;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using MassTransit;

namespace Agents.Classifier.Consumers;

/// <summary>
/// Classifies a ticket, publishes the verdict, then either proposes CRM writes or escalates to a person
/// (low confidence, urgent, or no text yet). The step log is written whatever happened.
/// </summary>
public sealed class TicketReceivedConsumer(
    TicketClassifier classifier,
    IStepLog stepLog,
    ILogger<TicketReceivedConsumer> logger) : IConsumer<TicketReceived>
{
    public async Task Consume(ConsumeContext<TicketReceived> context)
    {
        var ticket = context.Message;
        var steps = new StepRecorder(ticket);
        try
        {
            var result = await classifier.ClassifyAsync(ticket, steps, context.CancellationToken);
            var classification = result.Classification;
            await context.Publish(new TicketClassified
            {
                Source = ticket.Source,
                ExternalId = ticket.ExternalId,
                Classification = classification,
            });

            if (result.EscalationReason is { } reason)
            {
                logger.LogInformation("Ticket {Source}/{ExternalId} escalated: {Reason}", ticket.Source, ticket.ExternalId, reason);
                await context.Publish(new TicketEscalated
                {
                    Source = ticket.Source,
                    ExternalId = ticket.ExternalId,
                    Reason = reason,
                    Classification = classification,
                });
                return;
            }

            var proposals = ProposalFactory.For(ticket, classification, result.RedactedSubject, result.RedactedBody);
            foreach (var proposal in proposals)
                await context.Publish(proposal);
            steps.Add("proposals", outcome: "ok", detail: string.Join(",", proposals.Select(p => p.Kind)));
            logger.LogInformation("Ticket {Source}/{ExternalId} classified as {Category}/{Priority} by {ClassifiedBy}",
                ticket.Source, ticket.ExternalId, classification.Category, classification.Priority, classification.ClassifiedBy);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            steps.Add("failed", outcome: e.GetType().Name, detail: "handling failed; the message is retried");
            throw;
        }
        finally
        {
            await WriteStepsAsync(ticket, steps);
        }
    }

    // Steps are diagnostics: losing them (the database is briefly down) must not fail or repeat the ticket. The
    // cache, which holds the decision, is not guarded like this: its failure fails the message, so it is retried.
    // What the lost rows said is kept in the warning (step names and outcomes only, never details), so a ticket
    // handled while the database was away can still be followed.
    private async Task WriteStepsAsync(TicketReceived ticket, StepRecorder steps)
    {
        try
        {
            await stepLog.WriteAsync(steps.Steps, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not write the {Count} steps of ticket {Source}/{ExternalId} delivery {DeliveryId} ({Steps}); the ticket is handled without them",
                steps.Steps.Count, ticket.Source, ticket.ExternalId, ticket.DeliveryId, steps.Outline());
        }
    }
}
