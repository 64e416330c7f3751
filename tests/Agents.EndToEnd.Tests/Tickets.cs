using System.Text.Json;

namespace Agents.EndToEnd.Tests;

/// <summary>Canonical-shape ticket payloads for the generic source.</summary>
public static class Tickets
{
    public static string Generic(string id, string subject, string body, string? priority = null) =>
        JsonSerializer.Serialize(new
        {
            type = "ticket.created",
            ticket = new
            {
                id,
                subject,
                body,
                requester = new { name = "Dana Customer", email = "dana@example.com" },
                priority,
                tags = new[] { "web" },
                status = "open",
                created_at = "2026-11-20T09:30:00Z",
            },
        });

    /// <summary>A billing ticket the rules classify with high confidence and medium priority.</summary>
    public const string BillingSubject = "Invoice charged twice";
    public const string BillingBody = "My invoice shows a double charge on my card. Please refund the second payment.";

    public static string Billing(string id) => Generic(id, BillingSubject, BillingBody, "low");
}
