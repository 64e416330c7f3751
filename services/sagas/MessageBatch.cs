using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Agents.Sagas.Postgres;

/// <summary>A batch of statements on the context's connection, in the message's open transaction (the only place the repository's statements run).</summary>
internal static class MessageBatch
{
    public static DbBatch Create(DbContext db, string what)
    {
        var batch = db.Database.GetDbConnection().CreateBatch();
        batch.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException($"{what} inside the message's transaction only.");
        return batch;
    }
}
