using Agents.Sagas.Postgres;
using Agents.Writer.Persistence;
using MassTransit;

namespace Agents.Writer.Sagas;

public static class AuditExtensions
{
    /// <summary>
    /// Adds an audit row in the saga's own transaction: it commits with the state change or not at all.
    /// </summary>
    public static void Audit<TMessage>(this SagaConsumeContext<WriteApprovalState, TMessage> context,
        string action, string actor, string? detail = null, string? contentHash = null)
        where TMessage : class =>
        context.WriterDb().Audit.Add(new AuditEntry
        {
            CorrelationId = context.Saga.CorrelationId,
            Generation = context.Saga.Generation,
            At = context.Now(),
            Action = action,
            Actor = actor,
            Detail = detail,
            ContentHash = contentHash,
        });

    /// <summary>Runs <paramref name="action"/> only once the saga's transaction committed (a metric: never counted twice).</summary>
    public static void AfterCommit<TMessage>(this SagaConsumeContext<WriteApprovalState, TMessage> context, Action action)
        where TMessage : class =>
        (context.TryGetPayload(out AfterCommit? afterCommit)
            ? afterCommit
            : throw new InvalidOperationException("The saga runs without its repository's commit hook.")).Add(action);

    /// <summary>The saga's DbContext, inside the transaction that holds the saga row's lock.</summary>
    public static WriterDbContext WriterDb<TMessage>(this SagaConsumeContext<WriteApprovalState, TMessage> context)
        where TMessage : class =>
        context.TryGetPayload(out WriterDbContext? db)
            ? db
            : throw new InvalidOperationException("The saga runs without its DbContext: audit rows cannot be written.");
}
