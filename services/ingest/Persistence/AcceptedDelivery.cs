namespace Agents.Ingest.Persistence;

/// <summary>A delivery the broker confirmed: its key makes the vendor's retry a recognised duplicate.</summary>
public sealed class AcceptedDelivery
{
    public required string Source { get; set; }

    /// <summary>The vendor's event id, or <c>rev:</c> + the hash of the ticket revision.</summary>
    public required string DeliveryKey { get; set; }

    public required string ExternalId { get; set; }
    public Guid MessageId { get; set; }
    public DateTimeOffset AcceptedAt { get; set; }
}
