using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>What the fake Zendesk keeps of a ticket beyond its priority and tags: what a person wrote, and who.</summary>
public sealed record ZendeskTicketText(string Subject, string Description, long RequesterId, DateTimeOffset UpdatedAt);

/// <summary>
/// Zendesk Support's reads as the vendor serves them: <c>GET /api/v2/tickets/{id}.json</c> (<c>{"ticket":{…}}</c> with
/// subject, description, requester_id, status, priority, tags), and a user's requested tickets,
/// <c>GET /api/v2/users/{id}/tickets/requested.json</c> (<c>{"tickets":[…],"next_page":…,"count":…}</c>, sorted by
/// <c>sort_by</c>/<c>sort_order</c>, <c>per_page</c> at most 100); 404 RecordNotFound for an unknown ticket or user.
/// A ticket's comments are in <c>FakeZendesk.Comments.cs</c>.
/// </summary>
public sealed partial class FakeZendesk
{
    /// <summary>Ticket texts by id; a ticket without one reads with an empty subject and description.</summary>
    public ConcurrentDictionary<long, ZendeskTicketText> Texts { get; } = new();

    /// <summary>A comment on a ticket, as a person in Zendesk would have left it.</summary>
    public void AddComment(long ticket, string body, bool isPublic = true)
    {
        var list = Comments.GetOrAdd(ticket, _ => []);
        lock (list)
            list.Add(new ZendeskComment(Interlocked.Increment(ref _commentIds), body, isPublic));
    }

    private (int Status, string Body)? HandleRead(string method, string path, IQueryCollection query)
    {
        if (method != "GET")
            return null;
        if (TicketPath().Match(path) is { Success: true } ticket)
        {
            var id = long.Parse(ticket.Groups[1].Value, CultureInfo.InvariantCulture);
            return Tickets.ContainsKey(id)
                ? (200, JsonSerializer.Serialize(new { ticket = Ticket(id) }))
                : (404, """{"error":"RecordNotFound","description":"Not found"}""");
        }
        if (RequestedPath().Match(path) is not { Success: true } requested)
            return null;
        var user = long.Parse(requested.Groups[1].Value, CultureInfo.InvariantCulture);
        var theirs = Texts.Where(t => t.Value.RequesterId == user && Tickets.ContainsKey(t.Key)).ToList();
        if (theirs.Count == 0)
            return (404, """{"error":"RecordNotFound","description":"Not found"}""");
        IEnumerable<long> sorted = (query["sort_by"] == "updated_at" ? theirs.OrderBy(t => t.Value.UpdatedAt) : theirs.OrderBy(t => t.Key)).Select(t => t.Key);
        if (query["sort_order"] == "desc")
            sorted = sorted.Reverse();
        var perPage = int.TryParse(query["per_page"], out var n) ? Math.Clamp(n, 1, 100) : 100;
        return (200, JsonSerializer.Serialize(new
        {
            tickets = sorted.Take(perPage).Select(Ticket), next_page = (string?)null, previous_page = (string?)null, count = theirs.Count,
        }));
    }

    private object Ticket(long id)
    {
        var (priority, tags) = Tickets[id];
        var text = Texts.GetValueOrDefault(id) ?? new ZendeskTicketText("", "", 0, DateTimeOffset.UnixEpoch);
        return new
        {
            url = $"https://acme.zendesk.com/api/v2/tickets/{id}.json", id, subject = text.Subject, raw_subject = text.Subject,
            description = text.Description, priority, status = "open", requester_id = text.RequesterId, submitter_id = text.RequesterId,
            tags, created_at = text.UpdatedAt, updated_at = text.UpdatedAt,
        };
    }

    [GeneratedRegex(@"^/api/v2/users/(\d+)/tickets/requested(?:\.json)?$")]
    private static partial Regex RequestedPath();
}
