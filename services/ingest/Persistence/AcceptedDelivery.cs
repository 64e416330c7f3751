namespace Agents.Ingest.Persistence;

/// <summary>A delivery the broker confirmed: each of its keys makes a retry (or a replay of its bytes) a recognised duplicate.</summary>
public sealed class AcceptedDelivery
{
    public required string Source { get; set; }

    /// <summary>
    /// The vendor's event id (or <c>rev:</c> + the hash of the ticket revision), or the delivery's payload key
    /// (<c>payload:</c> + the hash of ticket, place in the batch and the exact body): one row each.
    /// </summary>
    public required string DeliveryKey { get; set; }

    public required string ExternalId { get; set; }
    public Guid MessageId { get; set; }
    public DateTimeOffset AcceptedAt { get; set; }
}
