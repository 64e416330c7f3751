using Agents.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// Publishes tickets and returns only once the broker confirmed them (publisher confirms), or throws.
/// The message id is derived from the delivery and the ticket carries its delivery key, so a vendor's retry is the same
/// message: the classifier handles each (source, ticket, delivery) once. Mandatory publishing: a message no queue would receive counts as not
/// delivered.
/// </summary>
public sealed class TicketPublisher(IPublishEndpoint bus, IOptions<IngestOptions> options)
{
    private static readonly Guid MessageIdNamespace = new("0b7f2c55-3f0e-4d8a-9d36-5a8c1f6e2b44");

    public static Guid MessageIdFor(TicketReceived ticket) =>
        WriteKey.NameBased(MessageIdNamespace, $"{ticket.Source}:{ticket.ExternalId}:{ticket.DeliveryId}");

    /// <summary>Publishes each ticket with its message id (<see cref="MessageIdFor"/>, computed by the caller once).</summary>
    public async Task PublishAsync(IReadOnlyList<(TicketReceived Ticket, Guid MessageId)> tickets, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        // A batch (HubSpot) is published concurrently: one confirm round trip, not one per event.
        await Task.WhenAll(tickets.Select(t => bus.Publish(t.Ticket, ctx =>
        {
            ctx.MessageId = t.MessageId;
            // Unroutable (no classifier queue bound yet) comes back as an error instead of vanishing: 503, retry.
            ctx.Mandatory = true;
        }, timeout.Token)));
    }
}
