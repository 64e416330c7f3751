using System.Diagnostics;
using Agents.Webhooks;

namespace Agents.Bench;

/// <summary>
/// Webhooks at a fixed arrival rate (open loop): delivery <c>i</c> leaves at <c>start + i / rate</c> whether or not
/// the earlier ones were answered, as a CRM's customers write in. A closed loop (N in flight, the next when one is
/// answered) slows down with the system and so hides its latency; this one does not.
/// </summary>
public static class OpenLoopLoad
{
    public static async Task<IReadOnlyList<DeliveryResult>> SendAsync(LaunchedSystem system, IReadOnlyList<WebhookDelivery> deliveries,
        double perSecond, CancellationToken cancellationToken)
    {
        // Concurrency is not the limit here: the schedule is. The sender's cap only bounds a stalled system, and an
        // answer may take a minute: an open loop in front of a system that falls behind measures how far behind.
        var sender = system.Sender(concurrency: 1000, timeout: TimeSpan.FromMinutes(1));
        var clock = Stopwatch.StartNew();
        var sending = new List<Task<IReadOnlyList<DeliveryResult>>>(deliveries.Count);
        for (var i = 0; i < deliveries.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
                await Task.Delay(due, cancellationToken);
            sending.Add(sender.SendAsync([deliveries[i]], cancellationToken));
        }
        return (await Task.WhenAll(sending)).SelectMany(r => r).ToList();
    }
}
