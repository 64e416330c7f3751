namespace Agents.Writer.Escalations;

/// <summary>
/// One row of the escalation inbox: a ticket a person must look at, in one version (generation) of the ticket. Copies
/// of the escalation add to <see cref="DuplicateCount"/>; a newer version of the ticket escalated again is the next
/// generation, a row of its own.
/// </summary>
public class Escalation
{
    public long Id { get; set; }
    public string Source { get; set; } = "";
    public string ExternalId { get; set; } = "";

    /// <summary>1 for the ticket's first escalation; each newer ticket version escalated again adds one.</summary>
    public int Generation { get; set; } = 1;

    /// <summary>The ticket version (the vendor's update time) this row was escalated from; null: unknown.</summary>
    public DateTimeOffset? TicketUpdatedAt { get; set; }

    /// <summary>One of <see cref="Agents.Contracts.EscalationReasons"/>.</summary>
    public string ReasonKind { get; set; } = "";

    /// <summary>Why, in words, with the figures.</summary>
    public string Reason { get; set; } = "";

    /// <summary>The classifier's verdict as JSON.</summary>
    public string? Classification { get; set; }

    public string? Priority { get; set; }
    public double? Confidence { get; set; }

    /// <summary>0 urgent, 1 high, 2 medium, 3 low, 4 unknown: the inbox shows the most urgent first.</summary>
    public int PriorityRank { get; set; } = 4;

    /// <summary>Redacted by the classifier, as everywhere.</summary>
    public string Subject { get; set; } = "";

    public string Excerpt { get; set; } = "";

    public DateTimeOffset EscalatedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public int DuplicateCount { get; set; }

    public string? ClaimedBy { get; set; }
    public DateTimeOffset? ClaimedAt { get; set; }
    public string? ClosedBy { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? CloseNote { get; set; }

    /// <summary>
    /// Bumped (from the sequence <c>escalation_changes</c>) by every change to the row: the approval page's change
    /// feed reads the highest, so an open page learns of arrivals, claims and closes without reading the rows.
    /// </summary>
    public long Change { get; set; }

    public string State => ClosedAt is not null ? EscalationStates.Closed : ClaimedBy is not null ? EscalationStates.Claimed : EscalationStates.Open;
}

/// <summary>Where an escalation stands: nobody has it, a person has claimed it, it is closed.</summary>
public static class EscalationStates
{
    public const string Open = "open";
    public const string Claimed = "claimed";
    public const string Closed = "closed";

    /// <summary>Open or claimed: what the inbox shows by default, and what the gauges count.</summary>
    public const string Active = "active";
}
