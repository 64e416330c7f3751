using Agents.Ingest.Requests;
using System.Text.Json;
using System.Text.Unicode;
using Agents.Contracts;
using Agents.Ingest.Normalization;
using Agents.Ingest.Sources;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// Bytes to normalized tickets, the same for a live delivery and an operator's replay: strict UTF-8 and JSON
/// (with a nesting limit), the source's reading, then the shared normalizer. Never throws for any input.
/// </summary>
public static class WebhookParser
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64 };

    public static WebhookOutcome Parse(IWebhookSource source, WebhookRequest request, int maxTextLength)
    {
        if (!Utf8.IsValid(request.Body))
            return WebhookOutcome.Malformed("the body is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(request.Body, JsonOptions);
        }
        catch (JsonException e)
        {
            return WebhookOutcome.Malformed($"invalid JSON: {e.Message}");
        }
        using (document)
        {
            var kind = document.RootElement.ValueKind;
            if (kind != JsonValueKind.Object && !(source.ReadsArrays && kind == JsonValueKind.Array))
                return WebhookOutcome.NoTicketIdentity($"the payload is a JSON {kind.ToString().ToLowerInvariant()}, not an object");
            var result = source.Read(request, new PayloadReader(document.RootElement, []));
            if (result.IgnoredNote is { } note)
                return WebhookOutcome.Ignored(note);
            if (result.NoTicketReason is { } none)
                return WebhookOutcome.NoTicketIdentity(none);

            var tickets = new List<TicketReceived>(result.Drafts.Count);
            string? refusal = null;
            foreach (var draft in result.Drafts)
            {
                var ticket = TicketNormalizer.Normalize(draft, source.Name, request.ReceivedAt, maxTextLength, out var why);
                if (ticket is null) refusal ??= why;
                else tickets.Add(ticket);
            }
            return tickets.Count > 0 ? WebhookOutcome.Accepted(tickets) : WebhookOutcome.NoTicketIdentity(refusal ?? "the payload names no ticket");
        }
    }
}
