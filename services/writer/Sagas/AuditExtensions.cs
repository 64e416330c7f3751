using Agents.Writer.Persistence;
using MassTransit;

namespace Agents.Writer.Sagas;

public static class AuditExtensions
{
    /// <summary>
    /// Adds an audit row in the saga's own transaction: it commits with the state change or not at all.
    /// </summary>
    public static void Audit<TMessage>(this SagaConsumeContext<WriteApprovalState, TMessage> context,
        string action, string actor, string? detail = null)
        where TMessage : class
    {
        if (!context.TryGetPayload(out WriterDbContext? db))
            throw new InvalidOperationException("The saga runs without its DbContext: audit rows cannot be written.");
        db.Audit.Add(new AuditEntry
        {
            CorrelationId = context.Saga.CorrelationId,
            At = DateTimeOffset.UtcNow,
            Action = action,
            Actor = actor,
            Detail = detail,
        });
    }
}
