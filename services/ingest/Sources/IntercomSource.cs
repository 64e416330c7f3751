using Agents.Ingest.Requests;
using System.Security.Cryptography;
using System.Text.Json;
using Agents.Ingest.Normalization;
using Agents.Ingest.Verification;

namespace Agents.Ingest.Sources;

/// <summary>
/// Intercom notifications, signed <c>X-Hub-Signature: sha1=&lt;hex HMAC-SHA1 of the body&gt;</c> with the app's
/// client secret. Conversation and ticket topics make tickets (the item's id is the ticket id, the notification
/// <c>id</c> the event id); other topics (ping, users, contacts) are acknowledged and not published.
/// </summary>
public sealed class IntercomSource : IWebhookSource
{
    public string Name => "intercom";

    public string? Verify(WebhookRequest request, VerificationContext context) =>
        BodySignature.Verify(request, context, "x-hub-signature", HashAlgorithmName.SHA1);

    public SourceResult Read(WebhookRequest request, PayloadReader payload)
    {
        var topic = payload.Text("topic") ?? "";
        var itemType = payload.Text("data", "item", "type");
        if (itemType is not ("conversation" or "ticket"))
        {
            return topic.StartsWith("conversation", StringComparison.Ordinal) || topic.StartsWith("ticket", StringComparison.Ordinal)
                ? SourceResult.NoTicket($"topic {topic} carries no conversation or ticket item")
                : SourceResult.Ignored($"Intercom topic '{topic}' is not about a conversation or ticket; nothing published");
        }
        var item = payload.For(payload.At("data", "item")!.Value);
        // A reply's text is its newest part; a new conversation's is its first message.
        var lastPart = item.At("conversation_parts", "conversation_parts") is { ValueKind: JsonValueKind.Array } parts && parts.GetArrayLength() > 0
            ? parts[parts.GetArrayLength() - 1] : (JsonElement?)null;
        var body = lastPart is { } p ? item.For(p).Text("body") : null;
        return SourceResult.Tickets(new TicketDraft
        {
            ExternalId = item.Text("id"),
            EventKind = topic.Length > 0 ? topic : "conversation.updated",
            EventId = payload.Text("id"),
            Subject = item.Text("conversation_message", "subject") ?? item.Text("source", "subject")
                ?? item.Text("ticket_attributes", "_default_title_") ?? item.Text("title"),
            Body = body ?? item.Text("conversation_message", "body") ?? item.Text("source", "body")
                ?? item.Text("ticket_attributes", "_default_description_"),
            BodyIsHtml = true,
            RequesterName = item.Text("user", "name") ?? item.Text("source", "author", "name"),
            RequesterEmail = item.Text("user", "email") ?? item.Text("source", "author", "email"),
            Priority = item.Text("priority"),
            VendorStatus = item.Text("state") ?? item.Text("ticket_state"),
            Tags = item.List(["tags", "tags"], nameField: "name"),
            CreatedAt = item.At("created_at"),
            UpdatedAt = item.At("updated_at"),
            Warnings = payload.Warnings,
        });
    }
}
