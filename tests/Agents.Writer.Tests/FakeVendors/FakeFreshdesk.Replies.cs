using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>
/// Freshdesk's reply to a ticket as the vendor serves it: <c>POST /api/v2/tickets/{id}/reply</c> with an HTML
/// <c>body</c> (required: 400 missing_field; <c>private</c> is not a field of a reply: 400 invalid_field), answered 201
/// with the conversation; the reply joins the ticket's conversations as a public one (<see cref="FakeFreshdesk.Notes"/>).
/// </summary>
public sealed partial class FakeFreshdesk
{
    private (int Status, string Body)? HandleReply(string method, string path, string? contentType, string body)
    {
        var match = ReplyPath().Match(path);
        if (!match.Success)
            return null;
        var id = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (!Tickets.ContainsKey(id))
            return (404, "");
        if (PostedJson(method, contentType, body, out var reply) is { } refused)
            return refused;
        if (reply?["private"] is not null)
            return (400, Invalid("private", "Unexpected/invalid field in request", "invalid_field"));
        if (reply?["body"]?.GetValueKind() != JsonValueKind.String || reply["body"]!.GetValue<string>().Trim().Length == 0)
            return (400, Invalid("body", "It should be a/an String", "missing_field"));
        var added = new FreshdeskNote(Interlocked.Increment(ref _noteIds), reply["body"]!.GetValue<string>(), Private: false);
        var notes = Notes.GetOrAdd(id, _ => []);
        lock (notes)
            notes.Add(added);
        return (201, JsonSerializer.Serialize(Conversation(id, added)));
    }

    [GeneratedRegex(@"^/api/v2/tickets/(\d+)/reply$")]
    private static partial Regex ReplyPath();

    /// <summary>Freshdesk's answers to a POST that is not one, not JSON, or not readable JSON (null when it is a JSON object or null).</summary>
    private static (int, string)? PostedJson(string method, string? contentType, string body, out JsonObject? posted)
    {
        posted = null;
        if (method != "POST")
            return (405, """{"code":"method_not_allowed","message":"POST method(s) supported for this endpoint"}""");
        if (contentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            return (415, """{"code":"invalid_content_type","message":"Content-Type header should have application/json"}""");
        try
        {
            posted = JsonNode.Parse(body) as JsonObject;
            return null;
        }
        catch (JsonException)
        {
            return (400, """{"code":"invalid_json","message":"Request body has invalid json format"}""");
        }
    }
}
