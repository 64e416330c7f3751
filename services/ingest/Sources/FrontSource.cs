using Agents.Ingest.Requests;
using System.Text.Json;
using Agents.Ingest.Normalization;
using Agents.Ingest.Verification;

namespace Agents.Ingest.Sources;

/// <summary>
/// Front. Application webhooks are signed <c>X-Front-Signature</c> = base64 HMAC-SHA256 of
/// <c>X-Front-Request-Timestamp + ":" + body</c> with the app's signing key; the body wraps the event in
/// <c>payload</c>. Legacy rule webhooks (base64 HMAC-SHA1 of the body, no timestamp) are accepted only with
/// <c>AllowLegacySignatures</c>. Events with a conversation make tickets (the conversation id is the ticket id,
/// the event id <c>evt_…</c> the event id); others are acknowledged and not published. Saving an application
/// webhook in Front sends a validation request, signed like every other (a <c>sync</c> body and an
/// <c>X-Front-Challenge</c> header), which is answered with the challenge.
/// </summary>
public sealed class FrontSource : IWebhookSource
{
    public string Name => "front";

    public string? Verify(WebhookRequest request, VerificationContext context)
    {
        var signature = request.Header("x-front-signature");
        if (string.IsNullOrEmpty(signature)) return "missing x-front-signature header";
        var key = Signatures.Utf8(context.Secret);
        var timestamp = request.Header("x-front-request-timestamp");
        if (timestamp is null)
        {
            if (!context.Options.AllowLegacySignatures)
                return "missing x-front-request-timestamp header (legacy signatures are not allowed)";
            return Signatures.Matches(Signatures.HmacSha1(key, request.Body), signature, DigestEncoding.Base64)
                ? null : "x-front-signature does not match";
        }
        if (Signatures.CheckFreshness(timestamp, "x-front-request-timestamp", context.Now, context.Tolerance) is { } stale)
            return stale;
        var expected = Signatures.HmacSha256(key, Signatures.Utf8(timestamp + ":"), request.Body);
        return Signatures.Matches(expected, signature, DigestEncoding.Base64) ? null : "x-front-signature does not match";
    }

    // Front's docs (dev.frontapp.com/docs/application-webhooks, "Application webhook validation") describe the
    // request. The answer, 200 with {"challenge": "<value>"} as JSON, follows Front's sample app for that page
    // (github.com/dugjason/front-webhook-application); some third-party handlers echo plain text instead.
    public string? Challenge(WebhookRequest request) =>
        request.Header("x-front-challenge") is { Length: > 0 } challenge ? challenge : null;

    public SourceResult Read(WebhookRequest request, PayloadReader payload)
    {
        var evt = payload.At("payload") is { ValueKind: JsonValueKind.Object } wrapped ? payload.For(wrapped) : payload;
        var type = payload.Text("type") ?? evt.Text("type") ?? "event";
        if (evt.At("conversation") is not { ValueKind: JsonValueKind.Object } conversationElement)
            return SourceResult.Ignored($"Front event '{type}' has no conversation; nothing published");
        var conversation = evt.For(conversationElement);
        // The message the event is about, else the conversation's latest one.
        var message = evt.Text("target", "_meta", "type") == "message" && evt.At("target", "data") is { } target
            ? evt.For(target)
            : conversation.At("last_message") is { } last ? conversation.For(last) : null;
        var text = message?.Text("text");
        var from = conversation.Text("recipient", "handle");
        return SourceResult.Tickets(new TicketDraft
        {
            ExternalId = conversation.Text("id"),
            EventKind = type,
            EventId = evt.Text("id"),
            Subject = conversation.Text("subject"),
            Body = text ?? message?.Text("body"),
            BodyIsHtml = text is null ? true : false,
            RequesterName = message?.Text("author", "username") ?? from,
            RequesterEmail = from,
            VendorStatus = conversation.Text("status"),
            Tags = conversation.List(["tags"], nameField: "name"),
            CreatedAt = conversation.At("created_at"),
            UpdatedAt = evt.At("emitted_at"),
            Warnings = payload.Warnings,
        });
    }
}
