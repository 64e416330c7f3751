using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>One note as HubSpot keeps it, and the ticket it is associated with.</summary>
public sealed record HubSpotNote(long Id, string Ticket, string Body, string Timestamp);

/// <summary>
/// HubSpot's notes API as the vendor serves it: <c>POST /crm/v3/objects/notes</c> with <c>properties</c>
/// (<c>hs_timestamp</c> required, <c>hs_note_body</c>) and <c>associations</c> to a ticket (the defined type 228,
/// note to ticket; another type or an unknown ticket is 400), answered 201 with the note;
/// <c>GET /crm/v4/objects/tickets/{id}/associations/notes</c> (<c>toObjectId</c>, type 227: ticket to note);
/// <c>POST /crm/v3/objects/notes/batch/read</c> with <c>inputs</c> and <c>properties</c>. Known owners for
/// <c>hubspot_owner_id</c>: <see cref="Owners"/>.
/// </summary>
public sealed partial class FakeHubSpot
{
    /// <summary>The account's users an owner id may name.</summary>
    public static string[] Owners => ["52550153", "61100222"]; // a property: the static fields of the partial parts have no order

    private long _noteIds = 70000000000;

    public ConcurrentDictionary<long, HubSpotNote> Notes { get; } = new();

    private (int Status, string Body)? HandleNotes(string method, string path, string? contentType, string body)
    {
        if (AssociationsPath().Match(path) is { Success: true } associations)
        {
            if (method != "GET")
                return (405, Error("HTTP 405 Method Not Allowed", "NOT_FOUND"));
            var ticket = associations.Groups[1].Value;
            if (!Tickets.ContainsKey(ticket))
                return (404, Error("resource not found", "OBJECT_NOT_FOUND"));
            return (200, JsonSerializer.Serialize(new
            {
                results = Notes.Values.Where(n => n.Ticket == ticket).OrderBy(n => n.Id).Select(n => new
                {
                    toObjectId = n.Id, associationTypes = new[] { new { category = "HUBSPOT_DEFINED", typeId = 227, label = (string?)null } },
                }),
            }));
        }
        if (path == "/crm/v3/objects/notes/batch/read" && method == "POST")
        {
            var root = Parse(body);
            if (root?["inputs"] is not JsonArray inputs)
                return (400, Error("Invalid input JSON: expected inputs", "VALIDATION_ERROR"));
            var found = inputs.Select(i => long.TryParse(i?["id"]?.ToString(), out var id) && Notes.TryGetValue(id, out var note) ? note : null)
                .Where(n => n is not null).Select(n => new
                {
                    id = n!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    properties = new Dictionary<string, string> { ["hs_note_body"] = n.Body, ["hs_timestamp"] = n.Timestamp },
                    createdAt = n.Timestamp, updatedAt = n.Timestamp, archived = false,
                });
            return (200, JsonSerializer.Serialize(new { status = "COMPLETE", results = found, startedAt = DateTimeOffset.UtcNow, completedAt = DateTimeOffset.UtcNow }));
        }
        if (path != "/crm/v3/objects/notes")
            return null;
        if (method != "POST")
            return (405, Error("HTTP 405 Method Not Allowed", "NOT_FOUND"));
        if (contentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            return (415, Error("Unsupported Media Type", "VALIDATION_ERROR"));
        var request = Parse(body);
        if (request?["properties"] is not JsonObject properties)
            return (400, Error("Invalid input JSON: expected {\"properties\":{…}}", "VALIDATION_ERROR"));
        if (properties["hs_timestamp"]?.GetValueKind() != JsonValueKind.String)
            return (400, Error("Property values were not valid: [{\"isValid\":false,\"message\":\"hs_timestamp is required\",\"error\":\"REQUIRED_PROPERTY\",\"name\":\"hs_timestamp\"}]", "VALIDATION_ERROR"));
        var to = request["associations"] is JsonArray list ? list.OfType<JsonObject>().ToList() : [];
        foreach (var association in to)
        {
            var ticket = association["to"]?["id"]?.ToString();
            var types = association["types"] as JsonArray;
            if (ticket is null || !Tickets.ContainsKey(ticket))
                return (400, Error($"One or more associations are invalid: ticket {ticket} does not exist", "VALIDATION_ERROR"));
            if (types is null || !types.Any(t => t?["associationTypeId"]?.GetValue<int>() == 228 && t["associationCategory"]?.GetValue<string>() == "HUBSPOT_DEFINED"))
                return (400, Error("One or more associations are invalid: association type is not valid for note to ticket", "VALIDATION_ERROR"));
        }
        if (to.Count == 0)
            return (400, Error("This fake account keeps notes on tickets only: give an association", "VALIDATION_ERROR"));
        var note = new HubSpotNote(Interlocked.Increment(ref _noteIds), to[0]["to"]!["id"]!.ToString(),
            properties["hs_note_body"]?.GetValue<string>() ?? "", properties["hs_timestamp"]!.GetValue<string>());
        Notes[note.Id] = note;
        return (201, JsonSerializer.Serialize(new
        {
            id = note.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            properties = new Dictionary<string, string> { ["hs_note_body"] = note.Body, ["hs_timestamp"] = note.Timestamp },
            createdAt = DateTimeOffset.UtcNow, updatedAt = DateTimeOffset.UtcNow, archived = false,
        }));
    }

    private static JsonObject? Parse(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^/crm/v4/objects/tickets/([0-9]+)/associations/notes$")]
    private static partial Regex AssociationsPath();
}
