using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>One note as Freshdesk keeps it (<paramref name="At"/>: when it was written; none, now).</summary>
public sealed record FreshdeskNote(long Id, string Body, bool Private, DateTimeOffset? At = null);

/// <summary>
/// Freshdesk's notes and conversations as the vendor serves them: <c>POST /api/v2/tickets/{id}/notes</c> with an HTML
/// <c>body</c> (required: 400 missing_field) and <c>private</c>, answered 201 with the note and its <c>body_text</c>;
/// <c>GET /api/v2/tickets/{id}/conversations</c>, oldest first, paged by <c>page</c> and <c>per_page</c> (at most 100);
/// a ticket's <c>group_id</c> as an update sets it (<see cref="Groups"/>).
/// </summary>
public sealed partial class FakeFreshdesk
{
    private long _noteIds = 43000000000;

    public ConcurrentDictionary<long, List<FreshdeskNote>> Notes { get; } = new();

    public ConcurrentDictionary<long, long> Groups { get; } = new();

    private (int Status, string Body)? HandleNotes(string method, string path, IQueryCollection query, string? contentType, string body)
    {
        var match = NotesPath().Match(path);
        if (!match.Success)
            return null;
        var id = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (!Tickets.ContainsKey(id))
            return (404, "");
        var notes = Notes.GetOrAdd(id, _ => []);
        if (match.Groups[2].Value == "conversations")
        {
            if (method != "GET")
                return (405, """{"code":"method_not_allowed","message":"GET method(s) supported for this endpoint"}""");
            var page = int.TryParse(query["page"], out var p) ? Math.Max(1, p) : 1;
            var perPage = int.TryParse(query["per_page"], out var pp) ? Math.Clamp(pp, 1, 100) : 30;
            List<FreshdeskNote> shown;
            lock (notes)
                shown = notes.Skip((page - 1) * perPage).Take(perPage).ToList();
            return (200, JsonSerializer.Serialize(shown.Select(n => Conversation(id, n))));
        }
        if (PostedJson(method, contentType, body, out var note) is { } refused)
            return refused;
        if (note?["body"]?.GetValueKind() != JsonValueKind.String || note["body"]!.GetValue<string>().Trim().Length == 0)
            return (400, Invalid("body", "It should be a/an String", "missing_field"));
        var added = new FreshdeskNote(Interlocked.Increment(ref _noteIds), note["body"]!.GetValue<string>(), note["private"]?.GetValueKind() != JsonValueKind.False);
        lock (notes)
            notes.Add(added);
        return (201, JsonSerializer.Serialize(Conversation(id, added)));
    }

    private static object Conversation(long ticket, FreshdeskNote n) => new
    {
        id = n.Id, body = n.Body, body_text = PlainText(n.Body),
        incoming = false, @private = n.Private, user_id = 1, support_email = (string?)null, source = 2, ticket_id = ticket,
        created_at = n.At ?? DateTimeOffset.UtcNow, updated_at = n.At ?? DateTimeOffset.UtcNow,
    };

    /// <summary>Freshdesk's <c>body_text</c> and <c>description_text</c>: the HTML without its tags.</summary>
    private static string PlainText(string html) => System.Net.WebUtility.HtmlDecode(TagPattern().Replace(html, " ")).Trim();

    [GeneratedRegex(@"^/api/v2/tickets/(\d+)/(notes|conversations)$")]
    private static partial Regex NotesPath();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex TagPattern();
}
