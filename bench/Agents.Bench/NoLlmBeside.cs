using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Agents.Harness.Load;
using Agents.Webhooks;

namespace Agents.Bench;

/// <summary>
/// Issue #18: the LLM-bound path must not slow the tickets decided without it. With an LLM configured, a ticket is
/// decided without calling it when its content was classified before (the classification cache): the same work as
/// the rules path, no 500 ms wait. Such tickets arrive at 10 a second, first alone, then beside unique (LLM-bound)
/// tickets at three quarters of the LLM ceiling (concurrency ÷ latency: the classifier keeps up, as it must in
/// production); printed: their webhook → proposals confirmed latency in both runs, and the LLM-bound tickets' beside them.
/// Above the ceiling every ticket waits in the one queue, whatever its path: that is capacity, not this question.
/// </summary>
public static class NoLlmBeside
{
    private const double NoLlmPerSecond = 10;
    private const string Subject = "Where can I download last month's invoice";
    private const string Text = "Where can I download last month's invoice as a PDF for our accounting?";

    public static async Task RunAsync(LaunchedSystem system, double ceiling, bool quick, CancellationToken cancellationToken)
    {
        var seconds = quick ? 10 : 30;
        var llmPerSecond = ceiling * 0.75;
        // One classification of the repeated text by the LLM first: every later copy is a cache hit.
        await LatencyAsync(system, Repeated("nlwarm", 1), 1, cancellationToken);
        var alone = await LatencyAsync(system, Repeated("nla", (int)(NoLlmPerSecond * seconds)), NoLlmPerSecond, cancellationToken);
        var llmBound = LatencyAsync(system, TicketDeliveries.Create("nll", (int)(llmPerSecond * seconds), urgentEvery: 0, duplicateShare: 0),
            llmPerSecond, cancellationToken);
        var beside = await LatencyAsync(system, Repeated("nlb", (int)(NoLlmPerSecond * seconds)), NoLlmPerSecond, cancellationToken);
        var llm = await llmBound;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tickets decided without the LLM (cached content), {NoLlmPerSecond:0}/s for {seconds} s, webhook → proposals confirmed, concurrency 32:"));
        Console.WriteLine($"{"what",-58} {"count",8} {"p50 ms",9} {"p99 ms",9}");
        Line("no LLM, alone", alone);
        Line(string.Create(CultureInfo.InvariantCulture, $"no LLM, beside LLM-bound tickets at {llmPerSecond:0}/s"), beside);
        Line("  the LLM-bound tickets beside them", llm);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"no-LLM tickets beside LLM-bound vs alone: p50 ×{beside.Percentile(50) / alone.Percentile(50):0.00}, p99 ×{beside.Percentile(99) / alone.Percentile(99):0.00} (goal: not slowed)"));
    }

    private static void Line(string what, Measurements latency) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what,-58} {latency.Count,8} {latency.Percentile(50),9:0.0} {latency.Percentile(99),9:0.0}"));

    /// <summary>Sends at a fixed rate, waits until every accepted ticket's proposals are confirmed, and returns webhook → confirmed.</summary>
    private static async Task<Measurements> LatencyAsync(LaunchedSystem system, IReadOnlyList<WebhookDelivery> deliveries, double perSecond,
        CancellationToken cancellationToken)
    {
        var prefix = deliveries[0].ExternalId[..deliveries[0].ExternalId.LastIndexOf('-')];
        var results = await OpenLoopLoad.SendAsync(system, deliveries, perSecond, cancellationToken);
        var accepted = results.Where(r => r.Accepted).ToList();
        var clock = Stopwatch.StartNew();
        var classified = await TicketHops.ClassifiedAsync(system, prefix, cancellationToken);
        while (classified.Count < accepted.Count && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(250, cancellationToken);
            classified = await TicketHops.ClassifiedAsync(system, prefix, cancellationToken);
        }
        var latency = new Measurements();
        foreach (var result in accepted)
            if (classified.TryGetValue(result.Delivery.ExternalId, out var steps))
                latency.Add(steps.Proposed - (result.AcceptedAt - result.Latency));
        return latency;
    }

    /// <summary>Generic webhooks of distinct tickets with the same text (so the same content hash).</summary>
    private static List<WebhookDelivery> Repeated(string prefix, int count) => Enumerable.Range(1, count).Select(n =>
    {
        var id = $"{prefix}-{n}";
        var body = JsonSerializer.Serialize(new
        {
            type = "ticket.created",
            ticket = new
            {
                id, subject = Subject, body = Text, requester = new { name = "Load Test", email = $"load{n}@example.test" },
                priority = "low", tags = Array.Empty<string>(), status = "open",
            },
        });
        return new WebhookDelivery($"msg_{id}", id, body);
    }).ToList();
}
