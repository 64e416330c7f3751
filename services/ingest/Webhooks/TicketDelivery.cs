using Agents.Contracts;
using Agents.Ingest.Persistence;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// Hands normalized tickets to the broker exactly as far as the sender needs: deliveries already accepted (in the
/// delivery table, or in flight on this instance) are duplicates, the rest are published with confirms and then
/// recorded. Shared by live deliveries and operator replay.
/// </summary>
public sealed class TicketDelivery(
    TicketPublisher publisher, DeliveryStore deliveries, BrokerStatus broker, InFlightDeliveries inFlight, IngestMetrics metrics, ILogger<TicketDelivery> logger)
{
    public async Task<DeliveryResult> DeliverAsync(string source, IReadOnlyList<TicketReceived> tickets, CancellationToken cancellationToken)
    {
        var known = await deliveries.KnownAsync(source, tickets, cancellationToken);
        var duplicates = tickets.Count(t => known.Contains(t.DeliveryId));
        var claims = new List<(string Key, TaskCompletionSource<bool> Claim, TicketReceived Ticket)>();
        var accepted = false;
        try
        {
            foreach (var ticket in tickets.Where(t => !known.Contains(t.DeliveryId)).DistinctBy(t => t.DeliveryId))
            {
                var key = $"{source}\n{ticket.DeliveryId}";
                if (await inFlight.ClaimOrWaitAsync(key, cancellationToken) is { } claim)
                    claims.Add((key, claim, ticket));
                else
                    duplicates++;
            }
            if (duplicates > 0)
                metrics.Duplicate(source, duplicates);
            if (claims.Count == 0)
                return new DeliveryResult(0, duplicates, BrokerUnavailable: false);

            var fresh = claims.Select(c => (c.Ticket, TicketPublisher.MessageIdFor(c.Ticket))).ToList();
            try
            {
                await publisher.PublishAsync(fresh, cancellationToken);
            }
            catch (Exception e)
            {
                // Whatever went wrong between us and the broker, the answer is the same: not confirmed, 503, retry.
                broker.Published(confirmed: false);
                logger.LogError(e, "Broker did not confirm {Count} {Source} tickets", fresh.Count, source);
                return new DeliveryResult(0, duplicates, BrokerUnavailable: true);
            }

            broker.Published(confirmed: true);
            // Only now, after the confirm: a delivery recorded but not published would be lost on the vendor's retry.
            deliveries.Remember(source, fresh);
            accepted = true;
            foreach (var (t, _) in fresh)
                logger.LogInformation("Accepted {Source} ticket {ExternalId} delivery {DeliveryId}", t.Source, t.ExternalId, t.DeliveryId);
            return new DeliveryResult(fresh.Count, duplicates, BrokerUnavailable: false);
        }
        finally
        {
            foreach (var (key, claim, _) in claims)
                inFlight.Release(key, claim, accepted);
        }
    }
}

public sealed record DeliveryResult(int Published, int Duplicates, bool BrokerUnavailable);
