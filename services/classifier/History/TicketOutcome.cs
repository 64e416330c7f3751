namespace Agents.Classifier.History;

/// <summary>
/// What became of one ticket here, kept for the drafting tool <c>get_ticket_history</c>: who asked (a pseudonymous
/// key, never the address), when, how it was classified and what the agent did. No ticket text.
/// </summary>
public sealed class TicketOutcome
{
    public string Source { get; set; } = "";
    public string ExternalId { get; set; } = "";

    /// <summary><see cref="RequesterKey.For"/> of the requester's address.</summary>
    public string RequesterKey { get; set; } = "";

    public DateTimeOffset At { get; set; }
    public string Category { get; set; } = "";
    public string Priority { get; set; } = "";

    /// <summary><c>escalated: urgent</c>, <c>proposed: set-priority, add-tags, add-note</c>.</summary>
    public string Outcome { get; set; } = "";
}
