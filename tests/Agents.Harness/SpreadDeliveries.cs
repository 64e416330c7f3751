using Agents.Webhooks;

namespace Agents.Harness;

/// <summary>
/// Webhooks spread evenly over a time, a slice a second, each slice sent on time whatever became of the ones before
/// (vendors do not wait for each other): a steady stream that keeps arriving through a fault, where sending all at
/// once would leave only a backlog to work off.
/// </summary>
public static class SpreadDeliveries
{
    /// <summary>Sends <paramref name="deliveries"/> over <paramref name="over"/>; every result, once all are answered.</summary>
    public static async Task<IReadOnlyList<DeliveryResult>> SendAsync(WebhookSender sender, IReadOnlyList<WebhookDelivery> deliveries,
        TimeSpan over, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)over.TotalSeconds);
        var perSlice = (deliveries.Count + seconds - 1) / seconds;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var slices = new List<Task<IReadOnlyList<DeliveryResult>>>();
        for (var i = 0; i * perSlice < deliveries.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i) - clock.Elapsed;
            if (due > TimeSpan.Zero)
                await Task.Delay(due, cancellationToken);
            slices.Add(sender.SendAsync(deliveries.Skip(i * perSlice).Take(perSlice).ToList(), cancellationToken));
        }
        return (await Task.WhenAll(slices)).SelectMany(r => r).ToList();
    }
}
