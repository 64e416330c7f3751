using System.Diagnostics;
using Agents.Contracts;
using Agents.Harness;
using Agents.Harness.Load;
using Agents.Launcher;
using Agents.Webhooks;

namespace Agents.Bench;

/// <summary>
/// One classifier instance with the LLM stub at a fixed 500 ms, at concurrency 1, 4, 16 and 32 (RabbitMq__ConcurrentMessageLimit):
/// tickets classified per second against the ceiling concurrency ÷ latency (goal at 32, issue #18: ≥ 90 %). Tickets
/// go in through ingest (fast next to 500 ms); a probe on the TicketClassified exchange counts what comes out. Then,
/// at 32, tickets the LLM is not asked about arriving beside LLM-bound ones (<see cref="NoLlmBeside"/>).
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
        // Ten LLM latencies per setting even with --quick: a run fills and drains the pipeline once (one latency and
        // the sending), so with four the ratio could not pass 80 % whatever the classifier did.
        var rounds = 10;

        Console.WriteLine();
        Console.WriteLine($"== classifier throughput, one instance, LLM stub at {LlmLatency.TotalMilliseconds:0} ms, {rounds} LLM latencies' worth of tickets per setting");
        Console.WriteLine($"{"concurrency",-12} {"tickets",8} {"per sec",10} {"ceiling c/latency",18} {"of ceiling",11}");
        foreach (var concurrency in new[] { 1, 4, 16, 32 })
        {
            var settings = new Dictionary<string, string?>(InlineBaselineBenchmark.LlmSettings(llm))
            {
                ["RabbitMq:ConcurrentMessageLimit"] = concurrency.ToString(),
            };
            var classifier = await system.Launcher.AddInstanceAsync(ServiceKind.Classifier, cancellationToken, settings);
            try
            {
                var sender = system.Sender(32);
                // Warm-up: one round at this concurrency.
                await ClassifyAsync(sender, probe, $"cw{concurrency}", concurrency, cancellationToken);
                var tickets = concurrency * rounds;
                var elapsed = await ClassifyAsync(sender, probe, $"c{concurrency}", tickets, cancellationToken);
                var perSecond = tickets / elapsed.TotalSeconds;
                var ceiling = concurrency / LlmLatency.TotalSeconds;
                Console.WriteLine(FormattableString.Invariant(
                    $"{concurrency,-12} {tickets,8} {perSecond,10:0.0} {ceiling,18:0.0} {perSecond / ceiling,10:0%}{(concurrency == 32 ? "   (goal >= 90%)" : "")}"));
                if (concurrency == 32)
                    await NoLlmBeside.RunAsync(system, ceiling, context.Quick, cancellationToken);
            }
            finally
            {
                await system.Launcher.StopAsync(classifier);
            }
        }
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
