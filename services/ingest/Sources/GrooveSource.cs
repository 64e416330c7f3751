using Agents.Ingest.Requests;
using System.Text.Json;
using Agents.Ingest.Normalization;
using Agents.Ingest.Verification;

namespace Agents.Ingest.Sources;

/// <summary>
/// Groove (GrooveHQ) ticket webhooks: unsigned, so a shared secret in a header or basic auth. The event name comes
/// in <c>X-Groove-Event</c> (ticket_started, ticket_assigned, …); the ticket's number is its id. No event id:
/// retries are recognised by the revision hash.
/// </summary>
public sealed class GrooveSource : IWebhookSource
{
    public string Name => "groove";

    public string? Verify(WebhookRequest request, VerificationContext context) => SharedSecret.Verify(request, context);

    public SourceResult Read(WebhookRequest request, PayloadReader payload)
    {
        var plain = payload.Text("last_message_plain_text") ?? payload.Text("summary");
        // The customer's address is only in the link to the customer (…/customers/{email}).
        var customer = payload.Text("links", "customer", "href")?.Split('/').LastOrDefault();
        return SourceResult.Tickets(new TicketDraft
        {
            ExternalId = payload.Text("number") ?? payload.Text("id"),
            EventKind = request.Header("x-groove-event") ?? "ticket.updated",
            Subject = payload.Text("title"),
            Body = plain ?? payload.Text("last_message"),
            BodyIsHtml = plain is null ? null : false,
            RequesterName = payload.Text("customer_name"),
            RequesterEmail = customer is not null && customer.Contains('@') ? Uri.UnescapeDataString(customer) : null,
            Priority = payload.Text("priority"),
            VendorStatus = payload.Text("state"),
            Tags = payload.List(["tags"]),
            CreatedAt = payload.At("created_at"),
            UpdatedAt = payload.At("updated_at"),
            Warnings = payload.Warnings,
        });
    }
}
