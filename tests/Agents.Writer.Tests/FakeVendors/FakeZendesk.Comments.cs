using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>One comment as Zendesk keeps it.</summary>
public sealed record ZendeskComment(long Id, string Body, bool Public);

/// <summary>
/// Zendesk's ticket comments as the vendor serves them: a ticket update's <c>comment</c> (<c>body</c>, <c>public</c>:
/// false is an internal note; a blank body is 422 RecordInvalid) adds one, <c>group_id</c> assigns the ticket, and
/// <c>GET /api/v2/tickets/{id}/comments.json</c> lists them (<c>sort_order=desc</c>: newest first) with Zendesk's
/// <c>body</c>, <c>plain_body</c> and <c>html_body</c>.
/// </summary>
public sealed partial class FakeZendesk
{
    private long _commentIds = 9000;

    /// <summary>Comments by ticket, oldest first.</summary>
    public ConcurrentDictionary<long, List<ZendeskComment>> Comments { get; } = new();

    /// <summary>The group each ticket is assigned to.</summary>
    public ConcurrentDictionary<long, long> Groups { get; } = new();

    private (int Status, string Body)? HandleComments(string method, string path)
    {
        var match = CommentsPath().Match(path);
        if (!match.Success)
            return null;
        var id = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (method != "GET")
            return (404, """{"error":"InvalidEndpoint","description":"Not found"}""");
        if (!Tickets.ContainsKey(id))
            return (404, """{"error":"RecordNotFound","description":"Not found"}""");
        var comments = Comments.GetValueOrDefault(id) ?? [];
        IEnumerable<ZendeskComment> ordered;
        lock (comments)
            ordered = comments.AsEnumerable().Reverse().ToList(); // the adapter asks for sort_order=desc
        return (200, JsonSerializer.Serialize(new
        {
            comments = ordered.Select(c => new
            {
                id = c.Id, type = "Comment", author_id = 1, body = c.Body, plain_body = c.Body,
                html_body = $"<div class=\"zd-comment\"><p>{System.Net.WebUtility.HtmlEncode(c.Body)}</p></div>",
                @public = c.Public, attachments = Array.Empty<object>(), created_at = DateTimeOffset.UtcNow,
            }),
            next_page = (string?)null, previous_page = (string?)null, count = comments.Count,
        }));
    }

    /// <summary>The update's comment and group, taken only when both are valid; an answer when the update is invalid, else null.</summary>
    private (int Status, string Body)? Comment(long id, JsonObject ticket)
    {
        var comment = ticket["comment"];
        if (comment is not null && (comment is not JsonObject c || c["body"]?.GetValueKind() != JsonValueKind.String || c["body"]!.GetValue<string>().Trim().Length == 0))
            return (422, """{"error":"RecordInvalid","description":"Record validation errors","details":{"base":[{"description":"Comment: cannot be blank"}]}}""");
        var group = ticket["group_id"];
        if (group is not null && group.GetValueKind() != JsonValueKind.Number)
            return (422, """{"error":"RecordInvalid","description":"Record validation errors","details":{"group":[{"description":"Group: is invalid"}]}}""");
        if (comment is JsonObject body)
        {
            var list = Comments.GetOrAdd(id, _ => []);
            lock (list)
                list.Add(new ZendeskComment(Interlocked.Increment(ref _commentIds), body["body"]!.GetValue<string>(),
                    body["public"]?.GetValueKind() != JsonValueKind.False));
        }
        if (group is not null)
            Groups[id] = group.GetValue<long>();
        return null;
    }

    [GeneratedRegex(@"^/api/v2/tickets/(\d+)/comments(?:\.json)?$")]
    private static partial Regex CommentsPath();
}
