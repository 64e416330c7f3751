using Agents.Contracts;
using Agents.ServiceDefaults.Publishing;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// Publishes tickets and returns only once the broker confirmed them (publisher confirms), or throws.
/// The message id is derived from the delivery and the ticket carries its delivery key, so a vendor's retry is the same
/// message: the classifier handles each (source, ticket, delivery) once. Mandatory publishing: a message no queue would receive counts as not
/// delivered.
/// </summary>
public sealed class TicketPublisher(IPublishEndpoint bus, IOptions<IngestOptions> options, PublishingStall stall, TimeProvider clock)
{
    private static readonly Guid MessageIdNamespace = new("0b7f2c55-3f0e-4d8a-9d36-5a8c1f6e2b44");

    public static Guid MessageIdFor(TicketReceived ticket) =>
        WriteKey.NameBased(MessageIdNamespace, $"{ticket.Source}:{ticket.ExternalId}:{ticket.DeliveryId}");

    /// <summary>The message id of a ticket event's <see cref="TicketFieldsChanged"/>: a retry of the delivery is the same message.</summary>
    public static Guid ChangesMessageIdFor(Guid ticketMessageId) =>
        WriteKey.NameBased(MessageIdNamespace, $"changes:{ticketMessageId}");

    /// <summary>
    /// Publishes each ticket with its message id (<see cref="MessageIdFor"/>, computed by the caller once), and beside
    /// a ticket that carries field changes its <see cref="TicketFieldsChanged"/>: the delivery is confirmed when both are.
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<(TicketReceived Ticket, Guid MessageId)> tickets, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        // A batch (HubSpot) is published concurrently: one confirm round trip, not one per event.
        var publishes = new List<Task>(tickets.Count);
        foreach (var (ticket, messageId) in tickets)
        {
            // Unroutable (no classifier queue bound yet) comes back as an error instead of vanishing: 503, retry.
            publishes.Add(PublishAsync(ticket, messageId, mandatory: true, timeout.Token));
            // Not mandatory, as when the writer read the changes from TicketReceived: they reach the writer once its
            // queue exists, and a system that has never started a writer does not refuse the vendor's updates.
            if (TicketFieldsChanged.Of(ticket) is { } changes)
                publishes.Add(PublishAsync(changes, ChangesMessageIdFor(messageId), mandatory: false, timeout.Token));
        }
        try
        {
            await Task.WhenAll(publishes);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Our deadline, not the request's end: the broker did not confirm in time. Told to the stall watch as the
            // timeout it is (the send itself only saw its token cancelled); the caller answers 503 as for any failure.
            stall.Failed(clock.GetUtcNow(), new TimeoutException($"not confirmed within {options.Value.PublishTimeout}"), cancelledByCaller: false);
            throw;
        }
    }

    private Task PublishAsync<T>(T message, Guid messageId, bool mandatory, CancellationToken cancellationToken) where T : class =>
        bus.Publish(message, ctx =>
        {
            ctx.MessageId = messageId;
            ctx.Mandatory = mandatory;
        }, cancellationToken);
}
