using System.Text.Json;

namespace Agents.Ingest.Normalization;

/// <summary>
/// What a source read from a vendor payload, before cleaning: raw strings and raw dates. The normalizer turns it
/// into a <see cref="Agents.Contracts.TicketReceived"/>, so every source gets the same cleaning.
/// </summary>
public sealed class TicketDraft
{
    public string? ExternalId { get; init; }
    public required string EventKind { get; init; }

    /// <summary>The vendor's own event or delivery id; null when it has none (then a hash of the revision is used).</summary>
    public string? EventId { get; init; }

    public string? Subject { get; init; }
    public string? Body { get; init; }

    /// <summary>True: the body is HTML. Null: decide by looking at it.</summary>
    public bool? BodyIsHtml { get; init; }

    /// <summary>The body as an Atlassian Document Format document (Jira Cloud); when set, it is the body and <see cref="Body"/> is not read.</summary>
    public JsonElement? BodyDocument { get; init; }

    public string? RequesterName { get; init; }
    public string? RequesterEmail { get; init; }
    public JsonElement? CreatedAt { get; init; }
    public JsonElement? UpdatedAt { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Priority { get; init; }
    public string? VendorStatus { get; init; }
    public bool NeedsHydration { get; init; }

    /// <summary>The field changes the event reports, in <see cref="Agents.Contracts.TicketFields"/> names.</summary>
    public IReadOnlyList<Agents.Contracts.FieldChange> Changes { get; init; } = [];

    public string? ChangedBy { get; init; }
    public List<string> Warnings { get; init; } = [];
}
