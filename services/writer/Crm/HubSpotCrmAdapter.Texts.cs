using System.Globalization;
using System.Text.Json;
using Agents.Contracts;

namespace Agents.Writer.Crm;

/// <summary>
/// Notes on HubSpot: a note engagement on the ticket's timeline (<c>POST /crm/v3/objects/notes</c>, associated with the
/// ticket by HubSpot's defined type 228), after reading the ticket's newest notes for one that already says the same
/// (<see cref="TextWrite"/>). A public reply is not applied here: HubSpot's CRM API logs emails, it does not send them,
/// so a post-reply to a HubSpot ticket is refused when proposed rather than pretending it reached the customer.
/// </summary>
public sealed partial class HubSpotCrmAdapter
{
    private const int NoteToTicket = 228;
    private const int NotesRead = 100;

    private async Task ApplyNoteAsync(ApplyWrite write, CancellationToken cancellationToken)
    {
        var text = TextWrite.Body(write);
        if (await NotedAsync(write.ExternalId, text, cancellationToken))
            return;
        using var request = new HttpRequestMessage(HttpMethod.Post, "crm/v3/objects/notes")
        {
            Content = Json(new
            {
                properties = new Dictionary<string, string>
                {
                    ["hs_timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                    ["hs_note_body"] = TextWrite.Html(text),
                },
                associations = new[]
                {
                    new { to = new { id = write.ExternalId }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = NoteToTicket } } },
                },
            }),
        };
        await SendAsync(request, cancellationToken);
    }

    private async Task<bool> NotedAsync(string ticket, string text, CancellationToken cancellationToken)
    {
        List<long> ids;
        using (var associations = JsonDocument.Parse(await GetAsync(
                   $"crm/v4/objects/tickets/{Uri.EscapeDataString(ticket)}/associations/notes?limit=500", cancellationToken)))
        {
            // Note ids grow with time: the newest ones are the ones a lost answer would have left.
            ids = Results(associations.RootElement)
                .Select(r => r.TryGetProperty("toObjectId", out var id) && id.TryGetInt64(out var n) ? n : 0)
                .Where(n => n > 0).OrderDescending().Take(NotesRead).ToList();
        }
        if (ids.Count == 0)
            return false;
        using var request = new HttpRequestMessage(HttpMethod.Post, "crm/v3/objects/notes/batch/read")
        {
            Content = Json(new { properties = new[] { "hs_note_body" }, inputs = ids.Select(id => new { id = id.ToString(CultureInfo.InvariantCulture) }) }),
        };
        using var notes = JsonDocument.Parse(await SendAsync(request, cancellationToken));
        return Results(notes.RootElement).Any(n => n.TryGetProperty("properties", out var p) && p.TryGetProperty("hs_note_body", out var body)
            && body.ValueKind == JsonValueKind.String && TextWrite.IsSame(body.GetString(), text));
    }

    private static IEnumerable<JsonElement> Results(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array
            ? results.EnumerateArray()
            : [];
}
