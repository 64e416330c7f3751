namespace Agents.Writer.Sagas;

/// <summary>One line of a write's history: who did what, when. Append-only.</summary>
public class AuditEntry
{
    public long Id { get; set; }
    public Guid CorrelationId { get; set; }

    /// <summary>The write's generation the row belongs to.</summary>
    public int Generation { get; set; } = 1;
    public DateTimeOffset At { get; set; }

    /// <summary>proposed, duplicate, superseded, approved, rejected, applied, failed, refused, …</summary>
    public string Action { get; set; } = "";

    /// <summary>The approver, or "system".</summary>
    public string Actor { get; set; } = "";

    public string? Detail { get; set; }

    /// <summary>The content hash a decision named (approved, rejected, released, refused): the version it was taken on.</summary>
    public string? ContentHash { get; set; }
}
