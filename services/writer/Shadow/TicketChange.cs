namespace Agents.Writer.Shadow;

/// <summary>
/// A change to a ticket's field that the CRM reported (<c>ticket_changes</c>), kept whether it arrived before or after
/// the proposal it judges. <see cref="OurWrite"/> names our own applied write when the change is its echo: never
/// counted as what people did.
/// </summary>
public class TicketChange
{
    public long Id { get; set; }
    public string Source { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public string Field { get; set; } = "";
    public string? From { get; set; }
    public string? To { get; set; }
    public string? ChangedBy { get; set; }

    /// <summary>When the vendor says the ticket changed (else when we received it): orders changes that arrive out of order.</summary>
    public DateTimeOffset ChangedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string DeliveryId { get; set; } = "";
    public string? OurWrite { get; set; }
}
