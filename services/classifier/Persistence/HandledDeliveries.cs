using Agents.Contracts;
using Npgsql;

namespace Agents.Classifier.Persistence;

/// <summary>
/// Publishes each ticket delivery's outcome once, however many copies of the delivery arrive (two ingest instances
/// racing, a retry that slipped past ingest's check). The outcome is published inside a short transaction that
/// inserts the delivery's row: a copy racing it waits on that row and skips once it is committed. If the publish
/// fails or the instance dies before the commit, the row goes with the transaction and the copy (or the message's
/// own retry) publishes instead: a skipped copy never means a lost outcome. At worst, an outcome confirmed by the
/// broker and then not committed (a crash in between) is published again. The transaction never spans the LLM
/// call: it starts once the ticket is classified.
/// </summary>
public sealed class HandledDeliveries(ClassifierDataSource dataSource, ILogger<HandledDeliveries> logger)
{
    private const string Exists = "SELECT EXISTS (SELECT 1 FROM classifier_deliveries WHERE \"Source\" = $1 AND \"ExternalId\" = $2 AND \"DeliveryId\" = $3)";

    private const string Insert = "INSERT INTO classifier_deliveries (\"Source\", \"ExternalId\", \"DeliveryId\", \"HandledAt\") "
        + "VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING";

    /// <summary>Whether this delivery's outcome was published already (a cheap look before classifying a copy).</summary>
    public async Task<bool> HandledAsync(TicketReceived ticket, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Source.CreateCommand(Exists);
        AddKey(command.Parameters, ticket);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Runs <paramref name="publish"/> (which must publish at once, not through an outbox that sends later) unless a
    /// copy of this delivery did; true when it ran.
    /// </summary>
    public async Task<bool> PublishOnceAsync(TicketReceived ticket, Func<CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.Source.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(Insert, connection, tx))
        {
            AddKey(insert.Parameters, ticket);
            // Waits here while a racing copy's transaction is open; 0 rows once it committed.
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
                return false;
        }
        await publish(cancellationToken);
        try
        {
            await tx.CommitAsync(CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            // The broker confirmed the outcome, but the claim's transaction is gone: ended by PostgreSQL's
            // idle-in-transaction limit while a broker in a memory alarm held the publish, or its connection lost.
            // Failing here would retry the message and publish the outcome again; record the delivery on its own
            // instead. If that fails too, the retry publishes again, as before.
            logger.LogWarning("The claim of ticket {Source}/{ExternalId} delivery {DeliveryId} was lost after its outcome was published ({Error}); recording the delivery on its own",
                ticket.Source, ticket.ExternalId, ticket.DeliveryId, e.Message);
            await using var record = dataSource.Source.CreateCommand(Insert);
            AddKey(record.Parameters, ticket);
            await record.ExecuteNonQueryAsync(CancellationToken.None);
        }
        return true;
    }

    private static void AddKey(NpgsqlParameterCollection parameters, TicketReceived ticket)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = ticket.Source });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = ticket.ExternalId });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = ticket.DeliveryId });
    }
}
