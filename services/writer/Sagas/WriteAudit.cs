using Agents.Writer.Persistence;

namespace Agents.Writer.Sagas;

/// <summary>
/// The write's audit trail, scoped to the message: rows go to the scope's <see cref="WriterDbContext"/>, the one the
/// saga repository holds the row lock and the transaction on, so they commit with the saga's new state or not at all.
/// </summary>
public sealed class WriteAudit(WriterDbContext db, TimeProvider clock)
{
    public void Add(WriteApprovalState saga, string action, string actor, string? detail = null, string? contentHash = null) =>
        db.Audit.Add(new AuditEntry
        {
            CorrelationId = saga.CorrelationId,
            Generation = saga.Generation,
            At = clock.GetUtcNow(),
            Action = action,
            Actor = actor,
            Detail = detail,
            ContentHash = contentHash,
        });

    public void Add(WriteApprovalState saga, string action, AuditNote note) =>
        Add(saga, action, note.Actor, note.Detail, note.ContentHash);
}

/// <summary>Who an audit row names and what it says; <see cref="System"/> for what no person did.</summary>
public readonly record struct AuditNote(string Actor, string? Detail, string? ContentHash = null)
{
    public static AuditNote System(string? detail) => new("system", detail);
}
