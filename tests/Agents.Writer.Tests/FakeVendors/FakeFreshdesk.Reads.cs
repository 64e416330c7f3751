using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>What the fake Freshdesk keeps of a ticket's text: subject, the HTML description, the requester.</summary>
public sealed record FreshdeskTicketText(string Subject, string DescriptionHtml, long RequesterId, DateTimeOffset UpdatedAt);

/// <summary>
/// Freshdesk's reads as the vendor serves them: a ticket's <c>description</c> (HTML), <c>description_text</c> and
/// <c>requester_id</c> in <c>GET /api/v2/tickets/{id}</c>, and the ticket list filtered by requester,
/// <c>GET /api/v2/tickets?requester_id={id}&amp;order_by=updated_at&amp;order_type=desc&amp;per_page=n</c> (a bare
/// array without descriptions; per_page at most 100; an unknown order_by is 400 invalid_value). Conversations are in
/// <c>FakeFreshdesk.Notes.cs</c>.
/// </summary>
public sealed partial class FakeFreshdesk
{
    /// <summary>Ticket texts by id; a ticket without one reads with the subject it always had and no description.</summary>
    public ConcurrentDictionary<long, FreshdeskTicketText> Texts { get; } = new();

    /// <summary>A reply or note on a ticket, as a person in Freshdesk would have left it.</summary>
    public void AddConversation(long ticket, string html, DateTimeOffset at, bool isPrivate = false)
    {
        var notes = Notes.GetOrAdd(ticket, _ => []);
        lock (notes)
            notes.Add(new FreshdeskNote(Interlocked.Increment(ref _noteIds), html, isPrivate, at));
    }

    private (int Status, string Body)? HandleList(string method, string path, IQueryCollection query)
    {
        if (path != "/api/v2/tickets" || method != "GET")
            return null;
        var orderBy = query["order_by"].ToString();
        if (orderBy.Length > 0 && orderBy is not ("created_at" or "due_by" or "updated_at" or "status"))
            return (400, Invalid("order_by", "It should be one of these values: 'created_at,due_by,updated_at,status'", "invalid_value"));
        var requester = long.TryParse(query["requester_id"], CultureInfo.InvariantCulture, out var r) ? r : (long?)null;
        var listed = Tickets.Keys
            .Where(id => requester is null || Texts.GetValueOrDefault(id)?.RequesterId == requester)
            .OrderBy(id => orderBy == "updated_at" ? Texts.GetValueOrDefault(id)?.UpdatedAt ?? DateTimeOffset.UnixEpoch : DateTimeOffset.UnixEpoch)
            .ThenBy(id => id)
            .ToList();
        if (query["order_type"] != "asc")
            listed.Reverse(); // Freshdesk's default order_type is desc
        var perPage = int.TryParse(query["per_page"], out var n) ? Math.Clamp(n, 1, 100) : 30;
        return (200, JsonSerializer.Serialize(listed.Take(perPage).Select(id => Answer(id, Tickets[id], withDescription: false))));
    }

    private Dictionary<string, object?> Answer(long id, FreshdeskTicket t, bool withDescription)
    {
        var text = Texts.GetValueOrDefault(id);
        var fields = new Dictionary<string, object?>
        {
            ["id"] = id, ["priority"] = t.Priority, ["status"] = 2, ["tags"] = t.Tags, ["custom_fields"] = t.CustomFields,
            ["subject"] = text?.Subject ?? "Invoice charged twice", ["requester_id"] = text?.RequesterId ?? 0,
            ["created_at"] = "2026-11-20T09:30:00Z", ["updated_at"] = text?.UpdatedAt ?? DateTimeOffset.UtcNow,
        };
        if (withDescription)
        {
            fields["description"] = text?.DescriptionHtml ?? "";
            fields["description_text"] = PlainText(text?.DescriptionHtml ?? "");
        }
        return fields;
    }
}
