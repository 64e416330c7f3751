using Agents.ServiceDefaults;

namespace Agents.Classifier.Persistence;

/// <summary>Where a ticket's steps go once it is handled.</summary>
public interface IStepLog
{
    Task WriteAsync(IReadOnlyList<TicketStep> steps, CancellationToken cancellationToken);
}

/// <summary>
/// Tickets' steps in one statement (arrays unnested in their order, so the ids keep it): this runs for every ticket,
/// and EF Core's change tracking and one parameter set per row cost the classifier about a millisecond of CPU per
/// ticket for rows nothing reads back (issue #18). Tickets handled at the same time share the statement
/// (<see cref="StatementBatcher{TRequest,TResult}"/>): each ticket's steps stay together and in order, and each
/// caller still returns only once its rows are written, or with the batch's error.
/// </summary>
public sealed class PostgresStepLog : IStepLog, IAsyncDisposable
{
    private const string Insert = "INSERT INTO classifier_steps (\"Source\", \"ExternalId\", \"DeliveryId\", \"TraceId\", \"Step\", \"At\", "
        + "\"Model\", \"LatencyMs\", \"InputTokens\", \"OutputTokens\", \"Outcome\", \"Detail\") "
        + "SELECT s.source, s.external_id, s.delivery_id, s.trace_id, s.step, s.at, s.model, s.latency_ms, s.input_tokens, s.output_tokens, "
        + "s.outcome, s.detail FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], "
        + "$8::float8[], $9::int8[], $10::int8[], $11::text[], $12::text[]) WITH ORDINALITY "
        + "AS s(source, external_id, delivery_id, trace_id, step, at, model, latency_ms, input_tokens, output_tokens, outcome, detail, n) ORDER BY s.n";

    private readonly ClassifierDataSource _dataSource;
    private readonly StatementBatcher<IReadOnlyList<TicketStep>, ValueTuple> _batches;

    public PostgresStepLog(ClassifierDataSource dataSource)
    {
        _dataSource = dataSource;
        _batches = StatementBatcher.ForWrites<IReadOnlyList<TicketStep>>(WriteBatchAsync);
    }

    public Task WriteAsync(IReadOnlyList<TicketStep> steps, CancellationToken cancellationToken) =>
        steps.Count == 0 ? Task.CompletedTask : _batches.RunAsync(steps, cancellationToken);

    private async Task WriteBatchAsync(IReadOnlyList<IReadOnlyList<TicketStep>> tickets)
    {
        var steps = tickets.SelectMany(t => t).ToList();
        await using var command = _dataSource.Source.CreateCommand(Insert);
        command.AddColumn(steps.Select(s => s.Source));
        command.AddColumn(steps.Select(s => s.ExternalId));
        command.AddColumn(steps.Select(s => s.DeliveryId));
        command.AddColumn(steps.Select(s => s.TraceId));
        command.AddColumn(steps.Select(s => s.Step));
        command.AddColumn(steps.Select(s => s.At.ToUniversalTime()));
        command.AddColumn(steps.Select(s => s.Model));
        command.AddColumn(steps.Select(s => s.LatencyMs));
        command.AddColumn(steps.Select(s => s.InputTokens));
        command.AddColumn(steps.Select(s => s.OutputTokens));
        command.AddColumn(steps.Select(s => s.Outcome));
        command.AddColumn(steps.Select(s => s.Detail));
        // Not the caller's token: the batch is several tickets' work, and one caller giving up must not cancel it.
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Writes what is queued, then stops taking steps.</summary>
    public ValueTask DisposeAsync() => _batches.DisposeAsync();
}
