using Agents.Contracts;
using Agents.Sagas.Postgres;
using Agents.Writer.Persistence;
using MassTransit;

namespace Agents.Writer.Sagas;

/// <summary>
/// Holds a ticket's proposals (<see cref="ProposeWrites"/>) in one transaction: each write goes through the approval
/// saga exactly as its own <see cref="ProposeWrite"/> would (correlation, policy, bulk guard, audit, metrics after the
/// commit), in one order for every transaction, and all commit together. The order is source, kind, then key. A write
/// the bulk guard holds may open its kind's review batch (one open row per source and kind) inside this transaction.
/// Two tickets' transactions that open batches of several kinds in different orders each wait for the other's
/// uncommitted row: PostgreSQL's deadlock, seen in CI with key order alone (PlantedSecretsTests). A ticket's saga rows
/// are its own, and taken in key order within a kind, as a batch decision takes its members. An ApplyWrite that one
/// of them publishes (auto-approved) leaves with the endpoint's outbox once the message is done. One message, one
/// transaction and one COMMIT a ticket instead of three (bench/README.md, End to end).
/// What cannot be held together is split: each write goes back to this queue as its own ProposeWrite, with its own
/// partition, retries and error queue. That is every copy after a failed attempt (so one bad write never takes the
/// ticket's others to the error queue with it, and a lost race is settled write by write), a message naming a write
/// twice (the second would need the first's row before it is written) and one larger than <see cref="MaxWrites"/>.
/// </summary>
public sealed class ProposeWritesConsumer(
    StateMachineDispatch<WriteApprovalState, ProposeWrite> saga,
    SagaBatchTransaction transaction,
    WriterDbContext db) : IConsumer<ProposeWrites>
{
    /// <summary>Writes held in one transaction at most: a ticket's proposals are a handful; more is a producer's fan-out.</summary>
    public const int MaxWrites = 16;

    /// <summary>
    /// The message id of a write sent back as its own ProposeWrite after a failed attempt: named after the ProposeWrites
    /// it came from, whose first attempt may have committed the write's decision, so the saga knows it for a copy of
    /// that message (<see cref="ApplyAttempts.StartedThisAttempt{T}"/>), and a second split of the same message gives the
    /// same ids. Not a header: MassTransit copies a consumed message's headers onto every message sent while handling
    /// it, down to the apply's results. A message that never runs in one transaction (one naming a write twice, or
    /// too long) committed nothing as a whole: its writes keep ids of their own, and two proposals of one write in it
    /// stay two proposals, not copies of each other.
    /// </summary>
    public static Guid SplitCopyId(Guid parentMessageId, Guid correlationId) => WriteKey.NameBased(parentMessageId, correlationId.ToString("N"));

    public async Task Consume(ConsumeContext<ProposeWrites> context)
    {
        var writes = (context.Message.Writes ?? []).Where(w => w is not null).ToList();
        if (writes.Count == 0)
            return;
        var together = writes.Count <= MaxWrites && writes.DistinctBy(w => w.CorrelationId).Count() == writes.Count;
        if (!together || context.GetRetryAttempt() > 0 || context.GetRedeliveryCount() > 0)
        {
            var queue = await context.GetSendEndpoint(context.ReceiveContext.InputAddress);
            foreach (var write in writes)
                await queue.Send(write, send =>
                {
                    if (together && context.MessageId is { } parent)
                        send.MessageId = SplitCopyId(parent, write.CorrelationId);
                }, context.CancellationToken);
            return;
        }
        await transaction.RunAsync(db, async () =>
        {
            foreach (var write in writes.OrderBy(w => w.Source, StringComparer.Ordinal).ThenBy(w => w.Kind, StringComparer.Ordinal).ThenBy(w => w.CorrelationId))
                await saga.SendAsync(context, write);
        }, context.CancellationToken);
    }
}
