using System.Globalization;
using Agents.Webhooks;
using Npgsql;

namespace Agents.Bench;

/// <summary>
/// Where each ticket's time went, hop by hop, from timestamps the system records anyway: the webhook's answer (the
/// sender's clock), the classifier's step log (<c>received</c> when its consumer started, <c>proposals</c> once its
/// proposals were confirmed by the broker) and the saga row's <c>UpdatedAt</c> (written in the transaction that held
/// the write). All processes run on this machine, so their clocks agree.
/// </summary>
public sealed class TicketHops
{
    public Measurements IngestAnswer { get; } = new();
    public Measurements QueueWait { get; } = new();
    public Measurements Classify { get; } = new();
    public Measurements Saga { get; } = new();
    public Measurements Whole { get; } = new();

    /// <param name="held">When each ticket's first write was held (<see cref="EndToEndStages.WaitHeldAsync"/>).</param>
    public static async Task<TicketHops> ReadAsync(LaunchedSystem system, string prefix, IEnumerable<DeliveryResult> results,
        IReadOnlyDictionary<string, DateTimeOffset> held, CancellationToken cancellationToken)
    {
        var classified = await ClassifiedAsync(system, prefix, cancellationToken);
        var hops = new TicketHops();
        foreach (var result in results.Where(r => r.Accepted))
        {
            var ticket = result.Delivery.ExternalId;
            var sent = result.AcceptedAt - result.Latency;
            hops.IngestAnswer.Add(result.Latency);
            if (!classified.TryGetValue(ticket, out var steps) || !held.TryGetValue(ticket, out var heldAt))
                continue;
            hops.QueueWait.Add(steps.Received - result.AcceptedAt);
            hops.Classify.Add(steps.Proposed - steps.Received);
            hops.Saga.Add(heldAt - steps.Proposed);
            hops.Whole.Add(heldAt - sent);
        }
        return hops;
    }

    /// <summary>
    /// Per ticket of <paramref name="prefix"/>: when the classifier's consumer started on it and when its proposals were
    /// confirmed (the step log's <c>received</c> and <c>proposals</c>); tickets without both are left out.
    /// </summary>
    public static async Task<Dictionary<string, (DateTimeOffset Received, DateTimeOffset Proposed)>> ClassifiedAsync(LaunchedSystem system,
        string prefix, CancellationToken cancellationToken)
    {
        var classified = new Dictionary<string, (DateTimeOffset Received, DateTimeOffset Proposed)>();
        await using var connection = new NpgsqlConnection(system.Database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT "ExternalId", min("At") FILTER (WHERE "Step" = 'received'), max("At") FILTER (WHERE "Step" = 'proposals')
            FROM classifier_steps WHERE "ExternalId" LIKE @like GROUP BY 1
            """, connection);
        command.Parameters.AddWithValue("like", prefix + "-%");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            if (!reader.IsDBNull(1) && !reader.IsDBNull(2))
                classified[reader.GetString(0)] = (reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2));
        return classified;
    }

    public void Print()
    {
        Console.WriteLine($"{"hop",-58} {"count",8} {"p50 ms",9} {"p99 ms",9}");
        Line("webhook → write held (goal p50 <= 50, p99 <= 250)", Whole);
        Line("  ingest: webhook answered (after the broker's confirm)", IngestAnswer);
        Line("  queue wait: answered → classifier consumer started", QueueWait);
        Line("  classify: consumer started → proposals confirmed", Classify);
        Line("  saga: proposals confirmed → write held (queue + transaction)", Saga);
    }

    private static void Line(string what, Measurements latency) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what,-58} {latency.Count,8} {latency.Percentile(50),9:0.0} {latency.Percentile(99),9:0.0}"));
}
