using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>
/// Freshdesk's ticket API v2 as the vendor serves it: Basic auth with the API key as user name (any password, "X" by
/// convention), <c>GET</c> and <c>PUT /api/v2/tickets/{id}</c> with a flat JSON ticket, priority 1-4, <c>tags</c> that
/// replace the ticket's tags, <c>custom_fields</c> by name; errors in Freshdesk's form: 400
/// <c>{"description":"Validation failed","errors":[{field,message,code}]}</c>, 401 invalid_credentials, 404 with an
/// empty body, 415 invalid_content_type; notes and conversations in <c>FakeFreshdesk.Notes.cs</c>, the ticket's text
/// and the ticket list in <c>FakeFreshdesk.Reads.cs</c>.
/// </summary>
public sealed partial class FakeFreshdesk : FakeVendorServer
{
    private static readonly HashSet<string> Fields = ["priority", "tags", "type", "status", "custom_fields", "group_id", "responder_id"];

    private readonly string _apiKey;

    private FakeFreshdesk(string apiKey) => _apiKey = apiKey;

    /// <summary>Tickets by id, as the vendor stores them.</summary>
    public ConcurrentDictionary<long, FreshdeskTicket> Tickets { get; } = new();

    public static async Task<FakeFreshdesk> StartAsync(string apiKey, params long[] ticketIds)
    {
        var server = new FakeFreshdesk(apiKey);
        foreach (var id in ticketIds)
            server.Tickets[id] = new FreshdeskTicket(1, ["web"], new Dictionary<string, string?>());
        await server.StartAsync();
        return server;
    }

    protected override string UnauthenticatedBody =>
        """{"code":"invalid_credentials","message":"You have to be logged in to perform this action."}""";

    protected override bool Authenticated(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
            return false;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
            return pair.Split(':', 2)[0] == _apiKey;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    protected override (int Status, string Body) Handle(string method, string path, IQueryCollection query, string? contentType, string body)
    {
        if (HandleNotes(method, path, query, contentType, body) is { } notes)
            return notes;
        if (HandleReply(method, path, contentType, body) is { } reply)
            return reply;
        if (HandleList(method, path, query) is { } list)
            return list;
        var match = TicketPath().Match(path);
        if (!match.Success)
            return (404, "");
        var id = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (!Tickets.TryGetValue(id, out var stored))
            return (404, "");
        if (method == "GET")
            return (200, Serialize(id, stored));
        if (method != "PUT")
            return (405, """{"code":"method_not_allowed","message":"PUT, GET, DELETE method(s) supported for this endpoint"}""");
        if (contentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            return (415, """{"code":"invalid_content_type","message":"Content-Type header should have application/json"}""");

        JsonObject ticket;
        try
        {
            ticket = JsonNode.Parse(body)!.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (400, """{"code":"invalid_json","message":"Request body has invalid json format"}""");
        }
        if (ticket.Select(p => p.Key).FirstOrDefault(k => !Fields.Contains(k)) is { } unknown)
            return (400, Invalid(unknown, "Unexpected/invalid field in request", "invalid_field"));

        var priority = stored.Priority;
        if (ticket["priority"] is { } p)
        {
            if (p.GetValueKind() != JsonValueKind.Number || p.GetValue<int>() is < 1 or > 4)
                return (400, Invalid("priority", "It should be one of these values: '1,2,3,4'", "invalid_value"));
            priority = p.GetValue<int>();
        }
        var tags = stored.Tags;
        if (ticket["tags"] is { } t)
        {
            if (t is not JsonArray array || array.Any(a => a?.GetValueKind() != JsonValueKind.String))
                return (400, Invalid("tags", "It should contain elements of type string only", "datatype_mismatch"));
            tags = array.Select(a => a!.GetValue<string>()).ToList();
        }
        if (ticket["group_id"] is { } group)
        {
            if (group.GetValueKind() != JsonValueKind.Number)
                return (400, Invalid("group_id", "Value set is of type String.It should be a/an Positive Integer", "datatype_mismatch"));
            Groups[id] = group.GetValue<long>();
        }
        var custom = new Dictionary<string, string?>(stored.CustomFields);
        if (ticket["custom_fields"] is JsonObject fields)
            foreach (var (name, value) in fields)
                custom[name] = value?.ToString();
        Tickets[id] = stored = new FreshdeskTicket(priority, tags, custom);
        return (200, Serialize(id, stored));
    }

    private static string Invalid(string field, string message, string code) =>
        JsonSerializer.Serialize(new { description = "Validation failed", errors = new[] { new { field, message, code } } });

    private string Serialize(long id, FreshdeskTicket t) => JsonSerializer.Serialize(Answer(id, t, withDescription: true));

    [GeneratedRegex(@"^/api/v2/tickets/(\d+)$")]
    private static partial Regex TicketPath();
}

/// <summary>What the fake Freshdesk keeps of a ticket.</summary>
public sealed record FreshdeskTicket(int Priority, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string?> CustomFields);
