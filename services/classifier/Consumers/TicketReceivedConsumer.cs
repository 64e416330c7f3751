using Agents.Classifier.Drafting;
using Agents.Classifier.History;
using Agents.Classifier.Hydration;
using Agents.Classifier.Persistence;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Consumers;

/// <summary>
/// Reads a ticket's text from its CRM when the webhook carried ids only (<see cref="TicketHydrator"/>), classifies it, publishes the verdict, then either proposes CRM writes or escalates to a person
/// (low confidence, urgent, or no text yet). Each delivery's outcome is published once, whatever copies of it
/// arrive (<see cref="HandledDeliveries"/>). The step log is written whatever happened.
/// </summary>
public sealed class TicketReceivedConsumer(
    TicketClassifier classifier,
    ReplyDrafter drafter,
    IOptions<ClassifierOptions> options,
    TicketHydrator hydrator,
    HandledDeliveries deliveries,
    IBus bus,
    IStepLog stepLog,
    ITicketHistory history,
    ClassifierMetrics metrics,
    ILogger<TicketReceivedConsumer> logger) : IConsumer<TicketReceived>
{
    public async Task Consume(ConsumeContext<TicketReceived> context)
    {
        var ticket = context.Message;
        var steps = new StepRecorder(ticket);
        try
        {
            if (await deliveries.HandledAsync(ticket, context.CancellationToken))
            {
                Skipped(ticket, steps);
                return;
            }
            var (read, unreadable) = await hydrator.HydrateAsync(ticket, steps, context.CancellationToken);
            var result = await classifier.ClassifyAsync(read, steps, context.CancellationToken, unreadable);
            var classification = result.Classification;
            var classified = new TicketClassified { Source = ticket.Source, ExternalId = ticket.ExternalId, Classification = classification };
            ProposeWrite[] proposals = result.EscalationReason is not null
                ? []
                : [.. ProposalFactory.For(read, classification, result.RedactedSubject, result.RedactedBody),
                    .. await DraftAsync(read, result, steps, context.CancellationToken)];
            // A ticket's proposals travel as one message: the writer holds them in one transaction (ProposeWrites).
            object[] outcome = result.EscalationReason is not null
                ? [classified, EscalationFactory.For(read, result)]
                : proposals.Length > 0 ? [classified, new ProposeWrites { Writes = proposals }] : [classified];

            if (!await deliveries.PublishOnceAsync(ticket, ct => PublishAsync(context, outcome, ct), context.CancellationToken))
            {
                Skipped(ticket, steps);
                return;
            }
            await RecordOutcomeAsync(ticket, classification, result.EscalationReason is { } why
                ? $"escalated to a person: {why}"
                : "proposed: " + string.Join(", ", proposals.Select(p => p.Kind)));
            if (result.EscalationReason is { } escalated)
            {
                logger.LogInformation("Ticket {Source}/{ExternalId} escalated: {Reason}", ticket.Source, ticket.ExternalId, escalated);
                return;
            }
            steps.Add("proposals", outcome: "ok", detail: string.Join(",", proposals.Select(p => p.Kind)));
            logger.LogInformation("Ticket {Source}/{ExternalId} classified as {Category}/{Priority} by {ClassifiedBy}",
                ticket.Source, ticket.ExternalId, classification.Category, classification.Priority, classification.ClassifiedBy);
        }
        catch (MessageReturnedException e)
        {
            // Loud on purpose: an escalation nobody receives is a ticket nobody looks at, and proposals nobody holds
            // are writes lost. The delivery is not recorded as handled, so the retries and the delay queues bring it
            // back until a writer's queue is bound.
            steps.Add("failed", outcome: "unroutable", detail: "the broker returned the outcome: no queue is bound to TicketEscalated or ProposeWrites; retried");
            logger.LogError(e, "Outcome of ticket {Source}/{ExternalId} returned by the broker: no queue is bound to TicketEscalated or ProposeWrites (is a writer as new as this classifier running?). Not dropped: the ticket is retried",
                ticket.Source, ticket.ExternalId);
            throw;
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

    /// <summary>
    /// The drafted reply's proposal, if any. A draft is an extra: whatever goes wrong here (the templates, the
    /// validator, a bug) costs the ticket its draft, never its classification or its other proposals.
    /// </summary>
    private async Task<ProposeWrite[]> DraftAsync(TicketReceived ticket, ClassificationResult result, StepRecorder steps,
        CancellationToken cancellationToken)
    {
        if (!drafter.Enabled)
            return [];
        try
        {
            return await drafter.DraftAsync(ticket, result, steps, cancellationToken) is { } draft
                ? [ProposalFactory.Draft(ticket, result.Classification, options.Value.Drafts.Kind, draft, result.RedactedSubject, result.RedactedBody)]
                : [];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            steps.Add("draft", outcome: "failed", detail: e.GetType().Name);
            logger.LogWarning("Drafting a reply for ticket {Source}/{ExternalId} failed ({Error}); it goes on without a draft",
                ticket.Source, ticket.ExternalId, e.GetType().Name);
            return [];
        }
    }

    /// <summary>
    /// Straight to the broker, confirmed before this returns: the endpoint's in-memory outbox would send only after
    /// the consumer returned, after the delivery's row was committed, and a send failing then would leave the
    /// delivery recorded as handled with nothing published. An escalation is published mandatory: with no queue bound
    /// to it the broker returns it (<see cref="MessageReturnedException"/>) instead of dropping it, and the delivery
    /// is retried rather than recorded as handled. So are a ticket's proposals: a writer older than
    /// <see cref="ProposeWrites"/> binds no queue to it, and the ticket waits for one that does instead of losing them.
    /// </summary>
    private Task PublishAsync(ConsumeContext context, object[] outcome, CancellationToken cancellationToken) =>
        Task.WhenAll(outcome.Select(message => bus.Publish(message, p =>
        {
            p.ConversationId = context.ConversationId;
            p.InitiatorId = context.MessageId;
            p.Mandatory = message is TicketEscalated or ProposeWrites;
        }, cancellationToken)));

    private void Skipped(TicketReceived ticket, StepRecorder steps)
    {
        metrics.Duplicate();
        steps.Add("duplicate", outcome: "skipped", detail: "another copy of this delivery published its outcome");
        logger.LogInformation("Ticket {Source}/{ExternalId} delivery {DeliveryId}: a copy was handled already; nothing published",
            ticket.Source, ticket.ExternalId, ticket.DeliveryId);
    }

    // The history only informs later drafts: a database hiccup here costs a later draft one line of context, never
    // this ticket its outcome (already published).
    private async Task RecordOutcomeAsync(TicketReceived ticket, Classification classification, string outcome)
    {
        try
        {
            await history.RecordAsync(ticket, classification, outcome.Length <= 500 ? outcome : outcome[..500], CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not record the outcome of ticket {Source}/{ExternalId} for the requester's history ({Error})",
                ticket.Source, ticket.ExternalId, e.GetType().Name);
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
