using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>
/// HubSpot's CRM objects API for tickets as the vendor serves it: Bearer private-app token, <c>GET</c> and
/// <c>PATCH /crm/v3/objects/tickets/{id}</c> with <c>{"properties":{…}}</c> (string values), 400 VALIDATION_ERROR for
/// unknown properties or options, 404 OBJECT_NOT_FOUND, error bodies in HubSpot's <c>{status,message,category}</c> form;
/// notes on a ticket's timeline in <c>FakeHubSpot.Notes.cs</c>.
/// </summary>
public sealed partial class FakeHubSpot : FakeVendorServer
{
    private static readonly Dictionary<string, HashSet<string>?> Properties = new()
    {
        ["hs_ticket_priority"] = ["LOW", "MEDIUM", "HIGH", "URGENT"],
        ["hs_ticket_category"] = ["PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY"],
        ["agents_tags"] = null, // free text, ';'-separated values
        ["subject"] = null,
        ["hubspot_owner_id"] = [.. Owners],
        ["hs_pipeline_stage"] = ["1", "2", "3", "4"], // the default ticket pipeline: new, waiting on contact, waiting on us, closed
    };

    private readonly string _token;

    private FakeHubSpot(string token) => _token = token;

    public ConcurrentDictionary<string, ConcurrentDictionary<string, string>> Tickets { get; } = new();

    public static async Task<FakeHubSpot> StartAsync(string token, params string[] ticketIds)
    {
        var server = new FakeHubSpot(token);
        foreach (var id in ticketIds)
            server.Tickets[id] = new ConcurrentDictionary<string, string> { ["hs_ticket_priority"] = "LOW", ["agents_tags"] = "existing" };
        await server.StartAsync();
        return server;
    }

    protected override string UnauthenticatedBody =>
        """{"status":"error","message":"Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview","correlationId":"4f3c2d1e-0000-4000-8000-000000000001","category":"INVALID_AUTHENTICATION"}""";

    protected override bool Authenticated(HttpRequest request) => request.Headers.Authorization.ToString() == "Bearer " + _token;

    protected override (int Status, string Body) Handle(string method, string path, IQueryCollection query, string? contentType, string body)
    {
        if (HandleNotes(method, path, contentType, body) is { } notes)
            return notes;
        if (HandleRead(method, path, query, body) is { } read)
            return read;
        var match = TicketPath().Match(path);
        if (!match.Success)
            return (404, Error("Unable to route request", "NOT_FOUND"));
        if (!Tickets.TryGetValue(match.Groups[1].Value, out var ticket))
            return (404, Error("resource not found", "OBJECT_NOT_FOUND"));
        if (method == "GET")
        {
            var wanted = query["properties"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
            return (200, Object(match.Groups[1].Value, wanted.Where(ticket.ContainsKey).ToDictionary(w => w, w => ticket[w])));
        }
        if (method != "PATCH")
            return (405, Error("HTTP 405 Method Not Allowed", "NOT_FOUND"));
        if (contentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            return (415, Error("Unsupported Media Type", "VALIDATION_ERROR"));

        JsonObject properties;
        try
        {
            var root = JsonNode.Parse(body)!.AsObject();
            if (root.Count != 1 || root["properties"] is not JsonObject p)
                return (400, Error("Invalid input JSON: expected {\"properties\":{…}}", "VALIDATION_ERROR"));
            properties = p;
        }
        catch (JsonException)
        {
            return (400, Error("Invalid input JSON on line 1", "VALIDATION_ERROR"));
        }
        foreach (var (name, value) in properties)
        {
            if (!Properties.TryGetValue(name, out var options))
                return (400, Error($"Property values were not valid: [{{\"isValid\":false,\"message\":\"Property \\\"{name}\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"{name}\"}}]", "VALIDATION_ERROR"));
            if (value?.GetValueKind() != JsonValueKind.String)
                return (400, Error($"Property values were not valid: {name} must be a string", "VALIDATION_ERROR"));
            if (options is not null && !options.Contains(value.GetValue<string>()))
                return (400, Error($"Property values were not valid: [{{\"isValid\":false,\"message\":\"{value.GetValue<string>()} was not one of the allowed options\",\"error\":\"INVALID_OPTION\",\"name\":\"{name}\"}}]", "VALIDATION_ERROR"));
        }
        foreach (var (name, value) in properties)
            ticket[name] = value!.GetValue<string>();
        return (200, Object(match.Groups[1].Value, ticket.ToDictionary()));
    }

    private static string Error(string message, string category) =>
        JsonSerializer.Serialize(new { status = "error", message, correlationId = Guid.NewGuid(), category });

    private static string Object(string id, Dictionary<string, string> properties) =>
        JsonSerializer.Serialize(new { id, properties, createdAt = "2026-11-20T09:30:00Z", updatedAt = DateTimeOffset.UtcNow, archived = false });

    [GeneratedRegex(@"^/crm/v3/objects/tickets/([0-9]+)$")]
    private static partial Regex TicketPath();
}
