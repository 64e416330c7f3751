namespace Agents.Writer.BulkGuard;

/// <summary>
/// A batch of proposals of one kind from one source the bulk guard holds for a person. At most one open batch per
/// source and kind (partial unique index); once released or rejected it is closed and the next trip opens a new one.
/// </summary>
public class BulkBatch
{
    public Guid BatchId { get; set; }
    public string Source { get; set; } = "";
    public string Kind { get; set; } = "";

    /// <summary>Why the guard opened it (the first trip's reason).</summary>
    public string Reason { get; set; } = "";

    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>released or rejected, once closed.</summary>
    public string? Decision { get; set; }

    public string? DecidedBy { get; set; }
    public string? DecisionReason { get; set; }
}

/// <summary>New proposals of one kind from one source in one minute, counted by every writer instance in the same row.</summary>
public class BulkGuardWindow
{
    public string Source { get; set; } = "";
    public string Kind { get; set; } = "";
    public DateTimeOffset WindowStart { get; set; }
    public int Count { get; set; }
}
