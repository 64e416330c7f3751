namespace Agents.Contracts;

/// <summary>
/// The field changes a CRM reported on a ticket (<see cref="TicketReceived.Changes"/>), published by ingest beside the
/// <see cref="TicketReceived"/> of the same delivery, and only when it carries changes: the writer keeps them for the
/// shadow report, and the tickets without any (most of them) need not reach the writer at all.
/// </summary>
public record TicketFieldsChanged
{
    public required string Source { get; init; }
    public required string ExternalId { get; init; }

    /// <summary>The delivery of the <see cref="TicketReceived"/> these changes came with: a change is kept once per delivery.</summary>
    public required string DeliveryId { get; init; }

    public required IReadOnlyList<FieldChange> Changes { get; init; }

    /// <summary>Who made the changes, where the vendor says; null otherwise.</summary>
    public string? ChangedBy { get; init; }

    /// <summary>The vendor's update time of the ticket version, when it sends one.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The changes of a ticket event; null when it carries none.</summary>
    public static TicketFieldsChanged? Of(TicketReceived ticket) => ticket.Changes.Count == 0
        ? null
        : new TicketFieldsChanged
        {
            Source = ticket.Source,
            ExternalId = ticket.ExternalId,
            DeliveryId = ticket.DeliveryId,
            Changes = ticket.Changes,
            ChangedBy = ticket.ChangedBy,
            UpdatedAt = ticket.UpdatedAt,
            ReceivedAt = ticket.ReceivedAt,
        };
}
