using System.Text;
using Agents.Contracts;
using Agents.Ingest.Persistence;
using Agents.Ingest.Verification;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// Hands normalized tickets to the broker exactly as far as the sender needs: deliveries already accepted (in the
/// delivery table, or in flight on this instance) are duplicates, the rest are published with confirms and then
/// recorded. Shared by live deliveries and operator replay.
///
/// A delivery is known by two keys: its delivery id, and its payload key (the source, the ticket and the hash of the
/// exact bytes). GitHub's and Jira's delivery ids travel in headers their signatures do not cover, so a captured
/// delivery replayed under a fresh id is still the same signed bytes: the payload key recognises it.
/// </summary>
public sealed class TicketDelivery(
    TicketPublisher publisher, DeliveryStore deliveries, BrokerStatus broker, InFlightDeliveries inFlight, IngestMetrics metrics, ILogger<TicketDelivery> logger)
{
    public async Task<DeliveryResult> DeliverAsync(string source, IReadOnlyList<TicketReceived> tickets, byte[] body, CancellationToken cancellationToken)
    {
        var keyed = Keyed(tickets, body);
        var known = await deliveries.KnownAsync(source, keyed.SelectMany(k => k.Keys).ToArray(), cancellationToken);
        var candidates = keyed.Where(k => !k.Keys.Any(known.Contains)).ToList();
        var claims = new Dictionary<string, TaskCompletionSource<bool>?>(StringComparer.Ordinal);
        var accepted = false;
        try
        {
            // One fixed order, whatever order a batch lists its events in: two HubSpot batches naming the same events
            // in different orders would otherwise each hold a claim the other waits for.
            foreach (var key in candidates.SelectMany(c => c.Keys).Distinct().Order(StringComparer.Ordinal))
                claims[key] = await inFlight.ClaimOrWaitAsync(InFlightKey(source, key), cancellationToken);
            var fresh = candidates.Where(c => c.Keys.All(k => claims[k] is not null)).ToList();
            var duplicates = keyed.Count - fresh.Count;
            if (duplicates > 0)
                metrics.Duplicate(source, duplicates);
            if (fresh.Count == 0)
                return new DeliveryResult(0, duplicates, BrokerUnavailable: false);

            var messages = fresh.Select(f => (f.Ticket, TicketPublisher.MessageIdFor(f.Ticket))).ToList();
            try
            {
                await publisher.PublishAsync(messages, cancellationToken);
            }
            catch (Exception e)
            {
                // Whatever went wrong between us and the broker, the answer is the same: not confirmed, 503, retry.
                broker.Published(confirmed: false);
                logger.LogError(e, "Broker did not confirm {Count} {Source} tickets", messages.Count, source);
                return new DeliveryResult(0, duplicates, BrokerUnavailable: true);
            }

            broker.Published(confirmed: true);
            // Only now, after the confirm: a delivery recorded but not published would be lost on the vendor's retry.
            deliveries.Remember(source, fresh.SelectMany(f => f.Keys.Select(k => (f.Ticket, TicketPublisher.MessageIdFor(f.Ticket), k))).ToList());
            accepted = true;
            foreach (var (t, _) in messages)
                logger.LogInformation("Accepted {Source} ticket {ExternalId} delivery {DeliveryId}", t.Source, t.ExternalId, t.DeliveryId);
            return new DeliveryResult(messages.Count, duplicates, BrokerUnavailable: false);
        }
        finally
        {
            // A key claimed for a ticket that turned out a duplicate by its other key is released unaccepted: the
            // table and the other key answer for it.
            foreach (var (key, claim) in claims)
                if (claim is not null)
                    inFlight.Release(InFlightKey(source, key), claim, accepted);
        }
    }

    /// <summary>
    /// The payload key of the ticket at <paramref name="index"/> of a delivery: the same bytes give the same keys in
    /// the same order (a HubSpot batch may name one object in two events, told apart by their place).
    /// </summary>
    public static string PayloadKey(TicketReceived ticket, int index, byte[] bodyHash) =>
        "payload:" + Convert.ToHexStringLower(Signatures.Sha256(Encoding.UTF8.GetBytes($"{ticket.ExternalId}\u001f{index}\u001f"), bodyHash))[..40];

    private static List<KeyedTicket> Keyed(IReadOnlyList<TicketReceived> tickets, byte[] body)
    {
        var bodyHash = Signatures.Sha256(body);
        return tickets.Select((t, i) => new KeyedTicket(t, [t.DeliveryId, PayloadKey(t, i, bodyHash)]))
            .DistinctBy(k => k.Ticket.DeliveryId).ToList();
    }

    private static string InFlightKey(string source, string key) => $"{source}\n{key}";

    private sealed record KeyedTicket(TicketReceived Ticket, string[] Keys);
}

public sealed record DeliveryResult(int Published, int Duplicates, bool BrokerUnavailable);
