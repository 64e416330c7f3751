using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Agents.Sagas.Postgres;

/// <summary>
/// One transaction for several saga messages handled in one scope (<see cref="RunAsync"/>): while it is open, the
/// repository runs each message's state machine in it instead of a transaction of its own, leaves what changed to
/// this commit, and what waits for a commit (<see cref="AfterCommit"/>) waits for this one. All or nothing: a message
/// that fails rolls back every message of the run. Scoped, like the DbContext it uses.
/// </summary>
public sealed class SagaBatchTransaction(AfterCommit afterCommit)
{
    internal IDbContextTransaction? Current { get; private set; }

    /// <summary>Runs <paramref name="handle"/> (which sends messages to sagas in this scope) in one transaction and commits it.</summary>
    public async Task RunAsync(DbContext db, Func<Task> handle, CancellationToken cancellationToken)
    {
        await using var transaction = await SagaTransactions.BeginAsync(db, afterCommit, cancellationToken);
        Current = transaction;
        try
        {
            await handle();
            await SagaTransactions.SaveAndCommitAsync(db, transaction, saveFirst: true, cancellationToken);
        }
        finally
        {
            Current = null;
        }
        afterCommit.Run();
    }
}
