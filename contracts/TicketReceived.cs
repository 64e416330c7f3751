namespace Agents.Contracts;

/// <summary>
/// A ticket event from a CRM, normalized by ingest. Published once the webhook was verified.
/// </summary>
public record TicketReceived
{
    public required string Source { get; init; }
    public required string ExternalId { get; init; }

    /// <summary>created, updated, comment, … as the vendor named it.</summary>
    public required string EventKind { get; init; }

    /// <summary>The vendor's delivery/event id, or a hash of the ticket revision when it has none.</summary>
    public required string DeliveryId { get; init; }

    public string Subject { get; init; } = "";

    /// <summary>Plain text (HTML already stripped).</summary>
    public string Body { get; init; } = "";

    public Requester? Requester { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Priority { get; init; }
    public string? VendorStatus { get; init; }

    /// <summary>True when the vendor sent ids only (HubSpot): the text must be read from the CRM before use.</summary>
    public bool NeedsHydration { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The field changes an update event carries (empty when the vendor sent none or the event is no update).</summary>
    public IReadOnlyList<FieldChange> Changes { get; init; } = [];

    /// <summary>Who made <see cref="Changes"/>, where the vendor says (a user's name, login or id); null otherwise.</summary>
    public string? ChangedBy { get; init; }
}

public record Requester(string? Name, string? Email);
