using System.Diagnostics;
using System.Globalization;
using Agents.Contracts;
using Agents.Harness;
using Agents.Harness.Load;
using Agents.Launcher;
using Agents.Webhooks;

namespace Agents.Bench;

/// <summary>
/// One classifier instance with the LLM stub at a fixed 500 ms, at concurrency 1, 4, 16 and 32 (RabbitMq__ConcurrentMessageLimit),
/// with drafting on (shipped) and off (classification only, the setting of issue #18's goal: ≥ 90 % of the ceiling at
/// 32): tickets classified per second against the ceiling, concurrency ÷ (LLM calls per ticket × latency), the calls
/// counted by the fake server. Beside it the peak and mean LLM calls in flight: what of the configured concurrency
/// reached the model. Tickets go in through ingest (fast next to 500 ms); a probe on the TicketClassified exchange
/// counts what comes out. Then, at 32, tickets the LLM is not asked about arriving beside LLM-bound ones
/// (<see cref="NoLlmBeside"/>).
/// </summary>
public sealed class ClassifierThroughputBenchmark : IBenchmark
{
    private static readonly TimeSpan LlmLatency = TimeSpan.FromMilliseconds(500);

    public string Name => "classifier";
    public string Description => "classifier tickets/s vs configured concurrency with the LLM stub at 500 ms";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await using var llm = await FakeLlmServer.StartAsync();
        llm.Delay = LlmLatency;
        await using var system = await LaunchedSystem.StartAsync(ingest: 1, classifier: 0, writer: 0, cancellationToken: cancellationToken);
        await using var probe = await BusProbe.StartAsync(system.Broker, typeof(TicketClassified));
        // Thirty LLM latencies per setting, ten with --quick: a run fills and drains the pipeline once (the first
        // tickets' way through ingest, the last ones' work after their call: 0.3-0.5 s on this machine), a cost of
        // starting and ending a run that is not throughput. With four latencies the ratio could not pass 80 % whatever
        // the classifier did; with ten, fill and drain alone still took 8 % of a 5 s row.
        var rounds = context.Quick ? 10 : 30;

        foreach (var drafts in new[] { true, false })
        {
            Console.WriteLine();
            Console.WriteLine($"== classifier throughput, one instance, LLM stub at {LlmLatency.TotalMilliseconds:0} ms, {rounds} LLM latencies' worth of tickets per setting, "
                + (drafts ? "drafting on (shipped)" : "drafting off (Classifier:Drafts:Enabled=false)"));
            Console.WriteLine($"{"concurrency",-12} {"in progress",12} {"tickets",8} {"per sec",10} {"calls/ticket",13} {"ceiling",8} {"of ceiling",11} {"peak in flight",15} {"mean in flight",15} {"busy in flight",15} {"cpu ms/ticket",14} {"fill ms",8} {"drain ms",9} {"between ms",11}");
            // At 32 first as before issue #18's change, each ticket holding its call slot from start to end (tickets in
            // progress = the concurrency), then as shipped (twice as many tickets as calls): the pair, same servers.
            foreach (var (concurrency, inProgress) in new (int, int?)[] { (1, null), (4, null), (16, null), (32, 32), (32, null) })
            {
                var settings = new Dictionary<string, string?>(InlineBaselineBenchmark.LlmSettings(llm))
                {
                    ["RabbitMq:ConcurrentMessageLimit"] = concurrency.ToString(CultureInfo.InvariantCulture),
                    ["Classifier:Drafts:Enabled"] = drafts ? "true" : "false",
                };
                if (inProgress is int held)
                    settings["Classifier:Llm:TicketsInProgress"] = held.ToString(CultureInfo.InvariantCulture);
                var classifier = await system.Launcher.AddInstanceAsync(ServiceKind.Classifier, cancellationToken, settings);
                try
                {
                    var sender = system.Sender(32);
                    // Distinct per row: ingest drops a delivery it has seen, and the rows at 32 share their concurrency.
                    var prefix = $"{concurrency}{(inProgress is null ? "" : "h" + inProgress)}{(drafts ? "d" : "")}";
                    // Warm-up: one round at this concurrency.
                    await ClassifyAsync(sender, probe, "cw" + prefix, concurrency, cancellationToken);
                    var tickets = concurrency * rounds;
                    var calls = llm.CallCount;
                    var busy = llm.BusyTime;
                    var cpu = ProcessCpu.Milliseconds(classifier.ProcessId);
                    llm.ResetPeakInFlight();
                    var started = DateTimeOffset.UtcNow;
                    var elapsed = await ClassifyAsync(sender, probe, "c" + prefix, tickets, cancellationToken);
                    var arrivals = llm.Requests.Skip(calls).Select(r => r.At).ToList();
                    Console.WriteLine(Row(concurrency, inProgress ?? Agents.Classifier.Llm.LlmOptions.DefaultTicketsInProgress(concurrency), tickets, elapsed, llm.CallCount - calls, llm.PeakInFlight, llm.BusyTime - busy,
                        (ProcessCpu.Milliseconds(classifier.ProcessId) - cpu) / tickets,
                        SlotTime.Of(arrivals, concurrency, started, elapsed, LlmLatency)));
                    if (concurrency == 32 && inProgress is null && drafts)
                        await NoLlmBeside.RunAsync(system, concurrency / (2 * LlmLatency.TotalSeconds), context.Quick, cancellationToken);
                }
                finally
                {
                    await system.Launcher.StopAsync(classifier);
                }
            }
        }
    }

    /// <summary>
    /// One setting's line. The ceiling counts the calls each ticket made (a drafted ticket makes two, one after the
    /// other); the mean in flight is the calls' total time over the run's (each call holds its 500 ms).
    /// </summary>
    private static string Row(int concurrency, int inProgress, int tickets, TimeSpan elapsed, int calls, int peakInFlight, TimeSpan busy, double cpuPerTicket,
        SlotTime slots)
    {
        var perSecond = tickets / elapsed.TotalSeconds;
        var callsPerTicket = (double)calls / tickets;
        var ceiling = concurrency / (callsPerTicket * LlmLatency.TotalSeconds);
        var meanInFlight = calls * LlmLatency.TotalSeconds / elapsed.TotalSeconds;
        return FormattableString.Invariant(
            $"{concurrency,-12} {inProgress,12} {tickets,8} {perSecond,10:0.0} {callsPerTicket,13:0.00} {ceiling,8:0.0} {perSecond / ceiling,10:0%} {peakInFlight,15} {meanInFlight,15:0.0} {busy / elapsed,15:0.0} {cpuPerTicket,14:0.0} {slots.Fill.TotalMilliseconds,8:0} {slots.Drain.TotalMilliseconds,9:0} {slots.Between.TotalMilliseconds,11:0}{(concurrency == 32 && inProgress > concurrency ? "   (goal >= 90%)" : concurrency == 32 ? "   (before #18's change)" : "")}");
    }
    /// <summary>Sends <paramref name="tickets"/> webhooks and waits until as many more TicketClassified were seen.</summary>
    private static async Task<TimeSpan> ClassifyAsync(WebhookSender sender, BusProbe probe, string prefix, int tickets, CancellationToken cancellationToken)
    {
        var target = probe.Count + tickets;
        var clock = Stopwatch.StartNew();
        await sender.SendAsync(TicketDeliveries.Create(prefix, tickets, urgentEvery: 0, duplicateShare: 0), cancellationToken);
        while (probe.Count < target)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(3))
                throw new TimeoutException($"{probe.Count - target + tickets} of {tickets} classified after 3 minutes.");
            await Task.Delay(20, cancellationToken);
        }
        return clock.Elapsed;
    }
}
