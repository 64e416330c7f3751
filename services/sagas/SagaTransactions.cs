using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Agents.Sagas.Postgres;

internal static class SagaTransactions
{
    /// <summary>
    /// A READ COMMITTED transaction (FOR UPDATE is all the isolation the saga needs) on a DbContext no attempt used
    /// before. A context an attempt left behind (its lost INSERT still tracked as Added, a row it loaded tracked with
    /// values since changed, an open transaction) would fail every retry the same way or act on stale rows, so it is
    /// refused: the scope is created per attempt, inside the retry filter, and an endpoint scope outside it
    /// (UseMessageScope before UseMessageRetry) would break that. Without EF's automatic savepoints: a failed
    /// statement fails the whole attempt anyway, so a savepoint around each SaveChanges would only cost round trips.
    /// </summary>
    public static async Task<IDbContextTransaction> BeginAsync(DbContext db, AfterCommit afterCommit, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null || afterCommit.Pending || db.ChangeTracker.Entries().Any())
            throw new InvalidOperationException(
                $"The saga's {db.GetType().Name} was used before this message's transaction: each attempt of a message needs a scope of its own.");
        db.Database.AutoSavepointsEnabled = false;
        return await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
    }

    /// <summary>
    /// Commits <paramref name="transaction"/>; with <paramref name="saveFirst"/>, what the context still tracks (new
    /// instances' INSERTs waiting for the end, with the rows activities added beside them) is saved first, and a save
    /// of INSERTs only carries the COMMIT in the same round trip (<see cref="TrackedChanges.SaveAsync"/>).
    /// </summary>
    public static async Task SaveAndCommitAsync(DbContext db, IDbContextTransaction transaction, bool saveFirst, CancellationToken cancellationToken)
    {
        if (saveFirst && await TrackedChanges.SaveAsync(db, cancellationToken, commitIfInsertsOnly: true))
            return;
        await transaction.CommitAsync(cancellationToken);
    }
}
