using System.Data.Common;
using Agents.Contracts;
using Agents.Sagas.Postgres;

namespace Agents.Writer.BulkGuard;

/// <summary>
/// The bulk guard's question for a proposal (is a batch of its source and kind open?), asked in the same round trip
/// as the saga row's lock: one round trip fewer per proposal, which took held/ceiling from 0.78 to 0.84–0.91
/// (bench/README.md, Saga). Scoped: the message's <see cref="Sagas.Activities.DecideWrite{TMessage}"/> reads the answer.
/// </summary>
public sealed class OpenBatchReadAhead : ISagaReadAhead<ProposeWrite>
{
    private (string Source, string Kind)? _asked;
    private bool? _open; // null until the answer was read

    public bool Prepare(ProposeWrite message, DbBatchCommand command)
    {
        BulkGuardService.AskBatchIsOpen(command, message.Source, message.Kind);
        _asked = (message.Source, message.Kind);
        return true;
    }

    public async Task ReadAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
            throw new InvalidOperationException("The open-batch check returned no row.");
        _open = reader.GetBoolean(0);
    }

    /// <summary>Whether a batch of the source and kind is open, as read with the lock; null when that was not asked.</summary>
    public bool? BatchIsOpen(string source, string kind) => _asked == (source, kind) ? _open : null;
}
