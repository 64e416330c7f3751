using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>
/// Zendesk Support's ticket update as the vendor serves it: Basic auth <c>{email}/token:{api_token}</c>,
/// <c>PUT /api/v2/tickets/{id}.json</c> with <c>{"ticket":{…}}</c>, priorities low/normal/high/urgent (422
/// RecordInvalid otherwise), <c>additional_tags</c> added to the ticket's tags, a <c>comment</c> added to the ticket's
/// comments and <c>group_id</c> (see <c>FakeZendesk.Comments.cs</c>), 404 RecordNotFound for unknown ids; reads in
/// <c>FakeZendesk.Reads.cs</c>.
/// </summary>
public sealed partial class FakeZendesk : FakeVendorServer
{
    private static readonly HashSet<string> Priorities = ["low", "normal", "high", "urgent"];
    private static readonly HashSet<string> TicketFields = ["priority", "additional_tags", "remove_tags", "tags", "custom_fields", "status", "comment", "group_id"];

    private readonly string _expectedAuthorization;

    private FakeZendesk(string email, string apiToken) =>
        _expectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}/token:{apiToken}"));

    /// <summary>Tickets by id: priority and tags, as the vendor stores them.</summary>
    public ConcurrentDictionary<long, (string Priority, SortedSet<string> Tags)> Tickets { get; } = new();

    public static async Task<FakeZendesk> StartAsync(string email, string apiToken, params long[] ticketIds)
    {
        var server = new FakeZendesk(email, apiToken);
        foreach (var id in ticketIds)
            server.Tickets[id] = ("normal", new SortedSet<string>(StringComparer.Ordinal) { "web" });
        await server.StartAsync();
        return server;
    }

    protected override string UnauthenticatedBody => """{"error":"Couldn't authenticate you"}""";

    protected override bool Authenticated(HttpRequest request) => request.Headers.Authorization.ToString() == _expectedAuthorization;

    protected override (int Status, string Body) Handle(string method, string path, IQueryCollection query, string? contentType, string body)
    {
        if (HandleComments(method, path) is { } comments)
            return comments;
        if (HandleRead(method, path, query) is { } read)
            return read;
        var match = TicketPath().Match(path);
        if (!match.Success || method != "PUT")
            return (404, """{"error":"InvalidEndpoint","description":"Not found"}""");
        if (contentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            return (415, """{"error":"Unsupported Media Type"}""");
        var id = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (!Tickets.TryGetValue(id, out var stored))
            return (404, """{"error":"RecordNotFound","description":"Not found"}""");

        JsonObject ticket;
        try
        {
            var root = JsonNode.Parse(body)!.AsObject();
            if (root.Count != 1 || root["ticket"] is not JsonObject t)
                return (400, """{"error":"InvalidJSON","description":"Expected a ticket object"}""");
            ticket = t;
        }
        catch (JsonException)
        {
            return (400, """{"error":"InvalidJSON","description":"Problems parsing JSON"}""");
        }
        if (ticket.Select(p => p.Key).FirstOrDefault(k => !TicketFields.Contains(k)) is { } unknown)
            return (400, $$"""{"error":"InvalidJSON","description":"Unknown field {{unknown}}"}""");

        var priority = stored.Priority;
        if (ticket["priority"] is { } p)
        {
            if (p.GetValueKind() != JsonValueKind.String || !Priorities.Contains(p.GetValue<string>()))
                return (422, """{"error":"RecordInvalid","description":"Record validation errors","details":{"priority":[{"description":"Priority: is not valid"}]}}""");
            priority = p.GetValue<string>();
        }
        var tags = new SortedSet<string>(stored.Tags, StringComparer.Ordinal);
        if (ticket["additional_tags"] is { } added)
        {
            if (added is not JsonArray array || array.Any(a => a?.GetValueKind() != JsonValueKind.String))
                return (422, """{"error":"RecordInvalid","description":"Record validation errors","details":{"tags":[{"description":"Tags: must be a list of strings"}]}}""");
            foreach (var tag in array)
                tags.Add(tag!.GetValue<string>());
        }
        if (Comment(id, ticket) is { } invalid)
            return invalid;
        Tickets[id] = (priority, tags);
        return (200, JsonSerializer.Serialize(new { ticket = new { id, priority, tags, updated_at = DateTimeOffset.UtcNow } }));
    }

    [GeneratedRegex(@"^/api/v2/tickets/(\d+)\.json$")]
    private static partial Regex TicketPath();
}
