using System.Text.Json;
using Agents.Contracts;

namespace Agents.Writer.Crm;

/// <summary>
/// Replies and notes on Zendesk: a ticket update with <c>comment</c> (<c>public</c> true for a reply, false for an
/// internal note), after reading the newest comments (<c>GET /api/v2/tickets/{id}/comments.json?sort_order=desc</c>)
/// for one that already says the same (<see cref="TextWrite"/>).
/// </summary>
public sealed partial class ZendeskCrmAdapter
{
    private async Task ApplyTextAsync(ApplyWrite write, CancellationToken cancellationToken)
    {
        var text = TextWrite.Body(write);
        var id = Uri.EscapeDataString(write.ExternalId);
        using (var json = JsonDocument.Parse(await GetAsync($"api/v2/tickets/{id}/comments.json?sort_order=desc&per_page=100", cancellationToken)))
        {
            if (json.RootElement.TryGetProperty("comments", out var comments) && comments.ValueKind == JsonValueKind.Array
                && comments.EnumerateArray().Any(c => Posted(c, "plain_body", text) || Posted(c, "body", text)))
                return;
        }
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/v2/tickets/{id}.json")
        {
            Content = Json(new { ticket = new { comment = new { body = text, @public = write.Kind == WriteKinds.PostReply } } }),
        };
        request.Headers.Add("Idempotency-Key", VendorIdempotencyKey.For(write, 255));
        await SendAsync(request, cancellationToken);
    }

    private static bool Posted(JsonElement comment, string field, string text) =>
        comment.TryGetProperty(field, out var body) && body.ValueKind == JsonValueKind.String && TextWrite.IsSame(body.GetString(), text);
}
