using Agents.Ingest.Requests;
using System.Text.Json;
using Agents.Ingest.Normalization;
using Agents.Ingest.Verification;

namespace Agents.Ingest.Sources;

/// <summary>
/// Zendesk webhooks, signed <c>X-Zendesk-Webhook-Signature</c> = base64 HMAC-SHA256 of
/// <c>X-Zendesk-Webhook-Signature-Timestamp</c> + body, with the webhook's signing secret.
/// Two shapes: event-subscription webhooks (<c>"type":"zen:event-type:ticket.…"</c>, a <c>detail</c> object and an
/// event <c>id</c>), and trigger/automation webhooks whose body the admin writes; for those we read the placeholders
/// documented in the README (<c>ticket_id</c>, <c>ticket_title</c>, …) and recognise retries by the revision hash.
/// </summary>
public sealed class ZendeskSource : IWebhookSource
{
    public string Name => "zendesk";

    public string? Verify(WebhookRequest request, VerificationContext context)
    {
        var signature = request.Header("x-zendesk-webhook-signature");
        var timestamp = request.Header("x-zendesk-webhook-signature-timestamp");
        if (string.IsNullOrEmpty(signature)) return "missing x-zendesk-webhook-signature header";
        if (Signatures.CheckFreshness(timestamp, "x-zendesk-webhook-signature-timestamp", context.Now, context.Tolerance) is { } stale)
            return stale;
        var expected = Signatures.HmacSha256(Signatures.Utf8(context.Secret), Signatures.Utf8(timestamp!), request.Body);
        return Signatures.Matches(expected, signature, DigestEncoding.Base64) ? null : "x-zendesk-webhook-signature does not match";
    }

    public SourceResult Read(WebhookRequest request, PayloadReader payload)
    {
        var type = payload.Text("type");
        if (type is not null && type.StartsWith("zen:event-type:", StringComparison.Ordinal))
            return ReadEvent(type, payload);
        return ReadTrigger(payload);
    }

    private static SourceResult ReadEvent(string type, PayloadReader payload)
    {
        var kind = type["zen:event-type:".Length..];
        if (!kind.StartsWith("ticket.", StringComparison.Ordinal))
            return SourceResult.Ignored($"Zendesk event {kind} is not about a ticket; nothing published");
        var detail = payload.For(payload.At("detail") ?? default);
        return SourceResult.Tickets(new TicketDraft
        {
            ExternalId = detail.Text("id") ?? payload.Text("subject")?.Split(':').LastOrDefault(),
            EventKind = kind,
            EventId = payload.Text("id"),
            Subject = detail.Text("subject"),
            Body = detail.Text("description"),
            Priority = detail.Text("priority"),
            VendorStatus = detail.Text("status"),
            Tags = detail.List(["tags"]),
            CreatedAt = detail.At("created_at"),
            UpdatedAt = detail.At("updated_at"),
            Warnings = payload.Warnings,
        });
    }

    private static SourceResult ReadTrigger(PayloadReader payload)
    {
        // Admins also nest the placeholders under "ticket"; read either.
        var t = payload.At("ticket") is { ValueKind: JsonValueKind.Object } nested ? payload.For(nested) : payload;
        return SourceResult.Tickets(new TicketDraft
        {
            ExternalId = t.Text("ticket_id") ?? t.Text("id"),
            EventKind = t.Text("event") ?? payload.Text("event") ?? "ticket.trigger",
            Subject = t.Text("ticket_title") ?? t.Text("title") ?? t.Text("subject"),
            Body = t.Text("ticket_description") ?? t.Text("description") ?? t.Text("latest_comment"),
            RequesterName = t.Text("requester_full_name") ?? t.Text("requester_name"),
            RequesterEmail = t.Text("requester_email"),
            Priority = t.Text("ticket_priority") ?? t.Text("priority"),
            VendorStatus = t.Text("ticket_status") ?? t.Text("status"),
            Tags = t.List(["tags"]),
            CreatedAt = t.At("created_at"),
            UpdatedAt = t.At("updated_at"),
            Warnings = payload.Warnings,
        });
    }
}
