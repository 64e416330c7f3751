using System.Text.Json;
using Agents.Webhooks;

namespace Agents.Harness.Load;

/// <summary>
/// A stream of generic-source ticket webhooks for load and fault runs: unique tickets, every Nth one urgent (the
/// classifier escalates those), and a share of deliveries repeated with the same webhook-id, as CRMs redeliver.
/// </summary>
public static class TicketDeliveries
{
    private static readonly string[] Topics =
    [
        "I was charged twice on my invoice this month",
        "The export page shows an error when I click download",
        "How do I change the username on my profile",
        "My package tracking has not updated for a week",
        "Question about the annual subscription price",
        "The app is broken after the last update, login fails",
    ];

    /// <summary>
    /// <paramref name="tickets"/> unique tickets named <c>{prefix}-{n}</c>; every <paramref name="urgentEvery"/>th is
    /// urgent (0: none); then <paramref name="duplicateShare"/> of all deliveries are copies of earlier ones, mixed in.
    /// </summary>
    public static IReadOnlyList<WebhookDelivery> Create(string prefix, int tickets, int urgentEvery = 10,
        double duplicateShare = 0.2, int seed = 7)
    {
        var random = new Random(seed);
        var unique = Enumerable.Range(1, tickets).Select(n =>
        {
            var urgent = urgentEvery > 0 && n % urgentEvery == 0;
            var id = $"{prefix}-{n}";
            var subject = Topics[n % Topics.Length] + (urgent ? " - urgent, production down" : "");
            var body = JsonSerializer.Serialize(new
            {
                type = "ticket.created",
                ticket = new
                {
                    id,
                    subject,
                    // The id in the text: the classifier caches by content, and every run's tickets must be new to it.
                    body = $"{subject}. Ticket {id} of the load run.",
                    requester = new { name = "Load Test", email = $"load{n}@example.test" },
                    priority = "low",
                    tags = Array.Empty<string>(),
                    status = "open",
                },
            });
            return new WebhookDelivery($"msg_{id}", id, body);
        }).ToList();

        // Duplicates make up duplicateShare of the deliveries: d / (tickets + d) = share.
        var duplicates = (int)Math.Round(tickets * duplicateShare / (1 - duplicateShare));
        var all = new List<WebhookDelivery>(unique);
        for (var i = 0; i < duplicates; i++)
        {
            // A redelivery comes after the original: insert it somewhere after its first copy.
            var original = random.Next(unique.Count);
            all.Insert(random.Next(original + 1, all.Count + 1), unique[original]);
        }
        return all;
    }
}
