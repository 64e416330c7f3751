using Agents.Ingest.Normalization;

namespace Agents.Ingest.Sources;

/// <summary>What a source read from a payload: ticket drafts, a note that the event carries no ticket, or no ticket identity.</summary>
public sealed record SourceResult(IReadOnlyList<TicketDraft> Drafts, string? IgnoredNote, string? NoTicketReason)
{
    public static SourceResult Tickets(params TicketDraft[] drafts) => new(drafts, null, null);
    public static SourceResult Tickets(IReadOnlyList<TicketDraft> drafts) => new(drafts, null, null);

    /// <summary>A valid delivery about something that is not a ticket (a ping, a user event): 200, nothing published.</summary>
    public static SourceResult Ignored(string note) => new([], note, null);

    public static SourceResult NoTicket(string reason) => new([], null, reason);
}
