using MassTransit;

namespace Agents.Writer.Sagas;

/// <summary>One proposed CRM write, from proposal to its end. Row id = UUIDv5 of the idempotency key.</summary>
public class WriteApprovalState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";

    public string IdempotencyKey { get; set; } = "";

    /// <summary>
    /// 1 for the first proposal of the key; a proposal from a newer ticket version after the write was decided (or
    /// once the write being applied is done) starts the next generation on this same row.
    /// </summary>
    public int Generation { get; set; } = 1;

    /// <summary>The newest ticket version (the vendor's update time) a proposal of this generation came from.</summary>
    public DateTimeOffset? TicketUpdatedAt { get; set; }

    /// <summary>A proposal from a newer ticket version that arrived while this generation was being applied (JSON): the next generation.</summary>
    public string? NextProposal { get; set; }
    public string Source { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public string Kind { get; set; } = "";

    /// <summary>Field → new value, as JSON.</summary>
    public string Changes { get; set; } = "{}";

    /// <summary>Field → value before, as JSON (for the approver's diff).</summary>
    public string Before { get; set; } = "{}";

    /// <summary>SHA-256 of kind, changes and record count: what makes two proposals "the same content".</summary>
    public string ContentHash { get; set; } = "";

    public int RecordCount { get; set; } = 1;
    public string Subject { get; set; } = "";
    public string Excerpt { get; set; } = "";

    /// <summary>The classifier's verdict as JSON, shown to the approver.</summary>
    public string? Classification { get; set; }

    /// <summary>What the approver should know beside the write (a drafted reply's origin and findings), as a JSON array.</summary>
    public string? Notes { get; set; }

    /// <summary>The classifier's confidence, for the policy's auto-approval threshold.</summary>
    public double? Confidence { get; set; }

    public DateTimeOffset ProposedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    public int DuplicateCount { get; set; }
    public int SupersededCount { get; set; }

    public string? DecidedBy { get; set; }
    public string? DecisionReason { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The bulk-review batch this write is (or was) held in.</summary>
    public Guid? BatchId { get; set; }

    /// <summary>Why the bulk guard held it.</summary>
    public string? BulkReason { get; set; }

    /// <summary>W3C traceparent of the first proposal: the ticket's trace, which the CRM write joins.</summary>
    public string? TraceParent { get; set; }

    public string? Adapter { get; set; }

    /// <summary>
    /// The apply attempt the write is on: set at the decision, moved on when an attempt ended without applying
    /// (deferred or faulted). ApplyWrite carries it; results and copies of other attempts are ignored.
    /// </summary>
    public int ApplyAttempt { get; set; }

    /// <summary>When the current attempt's ApplyWrite was last sent; the re-drive sweeper measures "stuck" from here.</summary>
    public DateTimeOffset? ApplyRequestedAt { get; set; }

    /// <summary>
    /// The message whose handling started the current attempt (a decision, an auto-approved proposal): its ApplyWrite
    /// leaves only after the decision's commit, so a copy of that message (retried, redelivered) may be all that is left
    /// of it, and sends it again (<see cref="ApplyAttempts"/>). None once the attempt ended without applying.
    /// </summary>
    public Guid? ApplyRequestedBy { get; set; }

    public DateTimeOffset? AppliedAt { get; set; }

    /// <summary>Why the write failed; while it is still Applying, why its last attempt did not apply.</summary>
    public string? FailureReason { get; set; }
}
