using Agents.Contracts;
using Agents.Ingest.Persistence;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// Hands normalized tickets to the broker exactly as far as the sender needs: deliveries already accepted are
/// skipped (duplicates), the rest published with confirms and then recorded. Shared by live deliveries and replay.
/// </summary>
public sealed class TicketDelivery(TicketPublisher publisher, DeliveryStore deliveries, IngestMetrics metrics, ILogger<TicketDelivery> logger)
{
    public async Task<DeliveryResult> DeliverAsync(string source, IReadOnlyList<TicketReceived> tickets, CancellationToken cancellationToken)
    {
        var known = await deliveries.KnownAsync(source, tickets, cancellationToken);
        var fresh = tickets.Where(t => !known.Contains(t.DeliveryId)).ToList();
        var duplicates = tickets.Count - fresh.Count;
        if (duplicates > 0)
            metrics.Duplicate(source, duplicates);
        if (fresh.Count == 0)
            return new DeliveryResult(0, duplicates, BrokerUnavailable: false);

        try
        {
            await publisher.PublishAsync(fresh, cancellationToken);
        }
        catch (Exception e)
        {
            // Whatever went wrong between us and the broker, the answer is the same: not confirmed, 503, retry.
            logger.LogError(e, "Broker did not confirm {Count} {Source} tickets", fresh.Count, source);
            return new DeliveryResult(0, duplicates, BrokerUnavailable: true);
        }

        // Only now, after the confirm: a delivery recorded but not published would be lost on the vendor's retry.
        await deliveries.RecordAsync(source, fresh.Select(t => (t, TicketPublisher.MessageIdFor(t))).ToList(), cancellationToken);
        foreach (var t in fresh)
            logger.LogInformation("Accepted {Source} ticket {ExternalId} delivery {DeliveryId}", t.Source, t.ExternalId, t.DeliveryId);
        return new DeliveryResult(fresh.Count, duplicates, BrokerUnavailable: false);
    }
}

public sealed record DeliveryResult(int Published, int Duplicates, bool BrokerUnavailable);
