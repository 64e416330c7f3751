using Agents.Ingest.Requests;
using Agents.Ingest.Normalization;
using Agents.Ingest.Verification;

namespace Agents.Ingest.Sources;

/// <summary>
/// Our canonical shape, signed with Standard Webhooks (webhook-id / webhook-timestamp / webhook-signature):
/// <c>{"type":"ticket.created","ticket":{"id":"…","subject":"…","body":"…","requester":{"name":"…","email":"…"},
/// "priority":"high","tags":["…"],"status":"open","created_at":"…","updated_at":"…"}}</c>.
/// The event id is <c>webhook-id</c>, which a sender keeps for its retries.
/// </summary>
public sealed class GenericSource : IWebhookSource
{
    public string Name => "generic";

    public string? Verify(WebhookRequest request, VerificationContext context) => StandardWebhooksSignature.Verify(request, context);

    public SourceResult Read(WebhookRequest request, PayloadReader payload)
    {
        if (payload.At("ticket") is not { ValueKind: System.Text.Json.JsonValueKind.Object } ticket)
            return SourceResult.NoTicket("the payload has no \"ticket\" object");
        var t = payload.For(ticket);
        return SourceResult.Tickets(new TicketDraft
        {
            ExternalId = t.Text("id"),
            EventKind = payload.Text("type") ?? "ticket.updated",
            EventId = request.Header("webhook-id"),
            Subject = t.Text("subject"),
            Body = t.Text("body"),
            RequesterName = t.Text("requester", "name"),
            RequesterEmail = t.Text("requester", "email"),
            Priority = t.Text("priority"),
            VendorStatus = t.Text("status"),
            Tags = t.List(["tags"]),
            CreatedAt = t.At("created_at"),
            UpdatedAt = t.At("updated_at"),
            Warnings = payload.Warnings,
        });
    }
}
