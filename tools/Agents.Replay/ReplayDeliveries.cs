using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agents.Webhooks;

namespace Agents.Replay;

/// <summary>
/// The file's tickets as generic-source webhooks. Ids are stable, so a second replay of the same file is the same
/// deliveries again and ingest answers them as duplicates: the ticket id is <c>{prefix}-{row id}</c>, the webhook-id
/// adds a hash of the ticket's text (an edited row is a new delivery of its ticket, as ingest treats an edit).
/// Labels (queue, priority) are not sent: the system must find them itself.
/// </summary>
public static class ReplayDeliveries
{
    public static string DefaultPrefix(string input) => Path.GetFileNameWithoutExtension(input);

    public static IReadOnlyList<WebhookDelivery> From(IEnumerable<ReplayTicket> tickets, string prefix) =>
        tickets.Select(t => For(t, prefix)).ToList();

    public static WebhookDelivery For(ReplayTicket ticket, string prefix)
    {
        var id = $"{prefix}-{ticket.Id}";
        var body = JsonSerializer.Serialize(new
        {
            type = "ticket.created",
            ticket = new { id, subject = ticket.Subject, body = ticket.Body, tags = new[] { "replay" }, status = "open" },
        });
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{id}\n{ticket.Subject}\n{ticket.Body}"));
        return new WebhookDelivery($"replay_{id}_{Convert.ToHexStringLower(hash)[..16]}", id, body);
    }
}
