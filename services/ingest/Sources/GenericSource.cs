using System.Text;
using System.Text.Json;
using Agents.Contracts;
using Agents.Ingest.Webhooks;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Agents.Ingest.Sources;

/// <summary>
/// Our canonical shape, signed with Standard Webhooks (webhook-id / webhook-timestamp / webhook-signature):
/// <c>{"type":"ticket.created","ticket":{"id":"…","subject":"…","body":"…","requester":{"name":"…","email":"…"},
/// "priority":"high","tags":["…"],"status":"open","created_at":"…","updated_at":"…"}}</c>.
/// </summary>
public sealed class GenericSource : IWebhookSource
{
    public string Name => "generic";

    public string? Verify(WebhookRequest request, string secret)
    {
        var headers = new HeaderDictionary();
        foreach (var name in new[] { "webhook-id", "webhook-timestamp", "webhook-signature" })
        {
            var value = request.Header(name);
            if (string.IsNullOrEmpty(value))
                return $"missing {name} header";
            headers[name] = value;
        }
        try
        {
            new StandardWebhook(secret).Verify(Encoding.UTF8.GetString(request.Body), headers);
            return null;
        }
        catch (WebhookVerificationException e)
        {
            return e.Message;
        }
    }

    public WebhookOutcome Parse(WebhookRequest request)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return WebhookOutcome.Malformed($"invalid JSON: {e.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ticket", out var ticket) || ticket.ValueKind != JsonValueKind.Object)
            return WebhookOutcome.NoTicketIdentity("the payload has no \"ticket\" object");
        var id = Text(ticket, "id");
        if (string.IsNullOrWhiteSpace(id))
            return WebhookOutcome.NoTicketIdentity("ticket.id is missing or empty");

        var warnings = new List<string>();
        var subject = Text(ticket, "subject") ?? "";
        if (subject.Length == 0) warnings.Add("empty subject");

        return WebhookOutcome.Accepted(new TicketReceived
        {
            Source = Name,
            ExternalId = id,
            EventKind = Text(root, "type") ?? "ticket.updated",
            DeliveryId = request.Header("webhook-id")!,
            Subject = subject,
            Body = Text(ticket, "body") ?? "",
            Requester = ticket.TryGetProperty("requester", out var r) && r.ValueKind == JsonValueKind.Object
                ? new Requester(Text(r, "name"), Text(r, "email"))
                : null,
            Priority = Text(ticket, "priority"),
            VendorStatus = Text(ticket, "status"),
            Tags = ticket.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
                ? tags.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList()
                : [],
            CreatedAt = Date(ticket, "created_at"),
            UpdatedAt = Date(ticket, "updated_at"),
            Warnings = warnings,
            ReceivedAt = request.ReceivedAt,
        });
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static DateTimeOffset? Date(JsonElement e, string name) =>
        DateTimeOffset.TryParse(Text(e, name), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var d) ? d : null;
}
