using Agents.Harness;
using Agents.Harness.Load;
using Agents.Webhooks;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace Agents.Faults.Tests;

/// <summary>
/// One run: a stream of signed webhooks (20% repeated deliveries) sent like a CRM sends them, a fault injected once a
/// share of them is through, then a bounded wait until every accepted ticket has its outcome and the system is at rest.
/// </summary>
/// <param name="tickets">Unique tickets of this run; <see cref="Tickets"/> unless a test sizes its own.</param>
public sealed class FaultScenario(FaultSystem system, string prefix, int? tickets = null)
{
    /// <summary>
    /// Unique tickets per scenario; deliveries are 25% more (1,500 webhooks). Sized for the CI budget on 2 cores;
    /// AGENTS_FAULTS_TICKETS overrides.
    /// </summary>
    public static int Tickets { get; } = TicketsOr(1200);

    /// <summary>AGENTS_FAULTS_TICKETS when set, else <paramref name="fallback"/> (a test's own CI size).</summary>
    public static int TicketsOr(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("AGENTS_FAULTS_TICKETS"), out var n) ? n : fallback;

    /// <summary>
    /// How long sending, and then settling, may each take: 4 minutes for 1,200 tickets or fewer (settling took 10 s to
    /// 3 min on 2 cores shared with other builds), in proportion for a larger stream, so AGENTS_FAULTS_TICKETS changes
    /// the work, not what counts as too slow.
    /// </summary>
    public TimeSpan Budget => TimeSpan.FromMinutes(4 * Math.Max(1.0, TicketCount / 1200.0));

    private int TicketCount => tickets ?? Tickets;

    /// <summary>
    /// How long PostgreSQL stays down in the outage scenario: 90 s, well past the ~19 s of in-memory retries, so every
    /// message in flight takes several trips through the test's delay queues (5 s, 15 s, then every 30 s);
    /// AGENTS_FAULTS_POSTGRES_OUTAGE (seconds) overrides (it was 180 s, the longest test of CI, and tested no more).
    /// </summary>
    public static TimeSpan PostgresOutage { get; } = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("AGENTS_FAULTS_POSTGRES_OUTAGE"), out var s) ? s : 90);

    /// <summary>The run's name, and the prefix of its ticket ids (<c>{prefix}-{n}</c>).</summary>
    public string Prefix => prefix;

    /// <param name="sendOver">
    /// Null: every delivery as fast as the sender goes (the system works off the backlog after the fault). Set: the
    /// deliveries spread over this long (<see cref="SpreadDeliveries"/>), so they keep arriving through a fault that
    /// takes a while.
    /// </param>
    public async Task<ScenarioOutcome> RunAsync(Func<Task> fault, double faultAfterShare = 0.3,
        TimeSpan? sendTimeout = null, TimeSpan? settleTimeout = null, TimeSpan? sendOver = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
        var deliveries = TicketDeliveries.Create(prefix, TicketCount);
        var llmBefore = system.Llm.CallCount;
        var draftsBefore = system.Llm.DraftCallCount;
        var sender = CrmWebhooks.Sender(system.IngestUrls, concurrency: 8, maxAttempts: 15, recordAttempts: true);
        using var sendCts = new CancellationTokenSource(sendTimeout ?? Budget);
        var sending = sendOver is { } spread ? SpreadDeliveries.SendAsync(sender, deliveries, spread, sendCts.Token) : sender.SendAsync(deliveries, sendCts.Token);

        var faultAt = (int)(deliveries.Count * faultAfterShare);
        while (sender.Completed < faultAt && !sending.IsCompleted)
            await Task.Delay(50);
        TestContext.Progress.WriteLine($"{prefix}: {clock.Elapsed.TotalSeconds:0}s fault after {sender.Completed}/{deliveries.Count} deliveries");
        await fault();
        TestContext.Progress.WriteLine($"{prefix}: {clock.Elapsed.TotalSeconds:0}s fault over");
        var results = await sending;
        TestContext.Progress.WriteLine($"{prefix}: {clock.Elapsed.TotalSeconds:0}s all deliveries answered ({sender.Retries} retries); settling");

        // Settled = every ticket has its outcome; at rest = no message left that could add another. Both, or the deadline.
        var deadline = DateTime.UtcNow + (settleTimeout ?? Budget);
        var quiet = new QuietWatch(EscalationProbe.Queue);
        ScenarioOutcome? outcome = null;
        while (true)
        {
            // As the supervisor in production would: an instance that stopped itself (its publishing stalled) is
            // started again; killed ones are the scenario's own doing and stay gone.
            foreach (var exited in await system.Launcher.ReplaceExitedAsync())
                TestContext.Progress.WriteLine($"{prefix}: {exited.Name} exited on its own (code {exited.ExitCode}); replaced");
            var atRest = quiet.Observe(await system.Queues.TryDepthsAsync(), DateTime.UtcNow);
            var last = atRest || DateTime.UtcNow > deadline;
            // Drafting asks the LLM once more per ticket it writes: counted apart, so a classification storm still shows.
            var drafts = system.Llm.DraftCallCount - draftsBefore;
            try
            {
                outcome = new ScenarioOutcome(deliveries, results, await system.Escalations.DrainAsync(),
                    await WriteLedger.ReadAsync(system.ConnectionString, prefix), system.Llm.CallCount - llmBefore - drafts,
                    sender.Retries, autoApproval: true, last ? OfThisRun(await system.Queues.TryDeadLettersAsync()) : null, drafts)
                {
                    StartedAt = startedAt,
                    CameToRest = atRest,
                    Busy = quiet.Busy,
                };
            }
            catch (Exception e) when ((e is NpgsqlException or IOException or RabbitMQClientException) && DateTime.UtcNow < deadline)
            {
                // our own pooled connection from before a database restart (or the probe's broker connection): clear
                // the pool, look again
                TestContext.Progress.WriteLine($"{prefix}: reading the books failed ({e.Message}); again");
                NpgsqlConnection.ClearAllPools();
            }
            if (outcome is not null && ((outcome.IsSettled && outcome.CameToRest) || DateTime.UtcNow > deadline))
                break;
            await Task.Delay(1000);
        }
        TestContext.Progress.WriteLine($"{prefix}: {clock.Elapsed.TotalSeconds:0}s\n{outcome.Explain()}");
        return outcome;
    }

    /// <summary>
    /// The dead-letter queues outlive a scenario (one broker per fixture): this run's letters are those naming its
    /// tickets, and those naming none (they cannot be told apart, so they count against every run that sees them).
    /// </summary>
    private IReadOnlyList<DeadLetter> OfThisRun(IReadOnlyList<DeadLetter> letters) =>
        letters.Where(d => d.Ticket is null || d.Ticket.StartsWith(prefix + "-", StringComparison.Ordinal)).ToList();
}
