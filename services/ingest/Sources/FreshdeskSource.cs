using Agents.Ingest.Requests;
using System.Text.Json;
using System.Text.RegularExpressions;
using Agents.Ingest.Normalization;
using Agents.Ingest.Verification;

namespace Agents.Ingest.Sources;

/// <summary>
/// Freshdesk automation webhooks: unsigned, so a shared secret in a header or basic auth. The body is the admin's
/// placeholders, conventionally under <c>freshdesk_webhook</c>; <c>triggered_event</c> uses Freshdesk's own
/// non-JSON notation (<c>{ticket_action:created}</c>, <c>{priority:{from:3,to:1}}</c>). No event id: retries are
/// recognised by the revision hash.
/// </summary>
public sealed partial class FreshdeskSource : IWebhookSource
{
    public string Name => "freshdesk";

    public string? Verify(WebhookRequest request, VerificationContext context) => SharedSecret.Verify(request, context);

    public SourceResult Read(WebhookRequest request, PayloadReader payload)
    {
        var t = payload.At("freshdesk_webhook") is { ValueKind: JsonValueKind.Object } nested ? payload.For(nested) : payload;
        return SourceResult.Tickets(new TicketDraft
        {
            ExternalId = t.Text("ticket_id"),
            EventKind = EventKind(t.Text("triggered_event")),
            Subject = t.Text("ticket_subject"),
            Body = t.Text("ticket_description"),
            BodyIsHtml = true,
            RequesterName = t.Text("requester_name"),
            RequesterEmail = t.Text("requester_email"),
            Priority = t.Text("ticket_priority"),
            VendorStatus = t.Text("ticket_status"),
            Tags = t.List(["ticket_tags"]),
            CreatedAt = t.At("ticket_created_at"),
            UpdatedAt = t.At("ticket_updated_at"),
            Warnings = payload.Warnings,
        });
    }

    /// <summary><c>{ticket_action:created}</c> → ticket.created; <c>{priority:{…}}</c> → ticket.priority_changed.</summary>
    public static string EventKind(string? triggered)
    {
        if (triggered is null) return "ticket.updated";
        var action = TicketAction().Match(triggered);
        if (action.Success) return "ticket." + action.Groups[1].Value;
        var field = ChangedField().Match(triggered);
        return field.Success ? $"ticket.{field.Groups[1].Value}_changed" : "ticket.updated";
    }

    [GeneratedRegex(@"ticket_action\s*:\s*(\w+)")]
    private static partial Regex TicketAction();

    [GeneratedRegex(@"^\s*\{\s*(\w+)\s*:")]
    private static partial Regex ChangedField();
}
