using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>
/// HubSpot's reads beyond one ticket's properties, as the vendor serves them: a ticket's associations
/// (<c>?associations=notes,contacts</c>), a batch read of tickets (<c>POST /crm/v3/objects/tickets/batch/read</c>
/// with <c>{"properties":[…],"inputs":[{"id":…}]}</c>; notes are batch-read in FakeHubSpot.Notes) and a contact's
/// ticket associations.
/// </summary>
public sealed partial class FakeHubSpot
{
    /// <summary>The contact (requester) each ticket is associated with.</summary>
    public ConcurrentDictionary<string, string> TicketContacts { get; } = new();

    /// <summary>A note on a ticket, as a person in HubSpot would have left it.</summary>
    public void AddNote(string ticket, string body, DateTimeOffset at)
    {
        var note = new HubSpotNote(Interlocked.Increment(ref _noteIds), ticket, body, at.ToString("O"));
        Notes[note.Id] = note;
    }

    private (int Status, string Body)? HandleRead(string method, string path, IQueryCollection query, string body)
    {
        if (method == "POST" && path == "/crm/v3/objects/tickets/batch/read")
            return BatchRead(body, id => Tickets.TryGetValue(id, out var t) ? t.ToDictionary() : null);
        if (method == "GET" && ContactPath().Match(path) is { Success: true } contact)
            return (200, JsonSerializer.Serialize(new
            {
                id = contact.Groups[1].Value, properties = new { },
                associations = new { tickets = Results(TicketContacts.Where(t => t.Value == contact.Groups[1].Value).Select(t => t.Key), "contact_to_ticket") },
            }));
        if (method == "GET" && TicketPath().Match(path) is { Success: true } ticket && query.ContainsKey("associations")
            && Tickets.TryGetValue(ticket.Groups[1].Value, out var stored))
        {
            var id = ticket.Groups[1].Value;
            var wanted = query["properties"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
            var answer = JsonNode.Parse(Object(id, wanted.Where(stored.ContainsKey).ToDictionary(w => w, w => stored[w])))!.AsObject();
            answer["associations"] = JsonSerializer.SerializeToNode(new
            {
                notes = Results(Notes.Values.Where(n => n.Ticket == id).Select(n => n.Id.ToString(CultureInfo.InvariantCulture)), "ticket_to_note"),
                contacts = Results(TicketContacts.TryGetValue(id, out var c) ? [c] : [], "ticket_to_contact"),
            });
            return (200, answer.ToJsonString());
        }
        return null;
    }

    private static object Results(IEnumerable<string> ids, string type) => new { results = ids.Select(id => new { id, type }) };

    private static (int Status, string Body) BatchRead(string body, Func<string, Dictionary<string, string>?> read)
    {
        var request = JsonNode.Parse(body)!.AsObject();
        var properties = request["properties"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        var results = request["inputs"]!.AsArray()
            .Select(i => i!["id"]!.GetValue<string>())
            .Select(id => (id, values: read(id)))
            .Where(r => r.values is not null)
            .Select(r => new { r.id, properties = properties.Where(r.values!.ContainsKey).ToDictionary(p => p, p => r.values![p]), archived = false });
        return (200, JsonSerializer.Serialize(new { status = "COMPLETE", results, startedAt = DateTimeOffset.UtcNow, completedAt = DateTimeOffset.UtcNow }));
    }

    [GeneratedRegex(@"^/crm/v3/objects/contacts/([0-9]+)$")]
    private static partial Regex ContactPath();
}
