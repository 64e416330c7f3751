using System.Data.Common;

namespace Agents.Sagas.Postgres;

/// <summary>
/// A read that a saga's message makes in its transaction anyway, sent in the same round trip as the saga row's lock
/// (one batch: the lock, then this statement). Registered scoped for a message type; whoever needs the answer (an
/// activity resolved from the same scope) asks this instance and runs its own query when nothing was read ahead:
/// another message type, a saga the context tracked already, a repository that reads nothing ahead (EF's in-memory
/// one in tests). The answer is as fresh as the lock's: both are read in the message's transaction, before the
/// state machine runs.
/// </summary>
public interface ISagaReadAhead<in TMessage> where TMessage : class
{
    /// <summary>Fills <paramref name="command"/> (text with positional parameters, and the parameters) for the message; false to read nothing.</summary>
    bool Prepare(TMessage message, DbBatchCommand command);

    /// <summary>Reads the statement's result; the reader stands on its result set.</summary>
    Task ReadAsync(DbDataReader reader, CancellationToken cancellationToken);
}
