using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>
/// GitHub's REST API for issue labels as GitHub serves it: <c>Authorization: Bearer</c> token, a <c>User-Agent</c>
/// required (403 without), <c>POST /repos/{owner}/{repo}/issues/{n}/labels</c> with <c>{"labels":[…]}</c> adding to
/// the issue's labels and answering the issue's labels; 401 Bad credentials, 404 Not Found, 422 Validation Failed
/// (a label name over 50 characters), in GitHub's <c>{message,documentation_url,status}</c> form; issue comments in
/// <c>FakeGitHub.Comments.cs</c>, issue reads in <c>FakeGitHub.Reads.cs</c>.
/// </summary>
public sealed partial class FakeGitHub : FakeVendorServer
{
    private const string Docs = "https://docs.github.com/rest/issues/labels#add-labels-to-an-issue";

    private readonly string _token;

    private FakeGitHub(string token) => _token = token;

    /// <summary>Labels by issue (<c>owner/repo#n</c>).</summary>
    public ConcurrentDictionary<string, SortedSet<string>> Issues { get; } = new();

    public static async Task<FakeGitHub> StartAsync(string token, params string[] issues)
    {
        var server = new FakeGitHub(token);
        foreach (var issue in issues)
            server.Issues[issue] = new SortedSet<string>(StringComparer.Ordinal) { "triage" };
        await server.StartAsync();
        return server;
    }

    /// <summary>The answer to a client over GitHub's primary rate limit (403, no requests left until the reset).</summary>
    public void RateLimitNext(TimeSpan resetIn) => FailNext(403,
        """{"message":"API rate limit exceeded for installation ID 1.","documentation_url":"https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api","status":"403"}""",
        headers: () => new Dictionary<string, string>
        {
            ["x-ratelimit-limit"] = "5000",
            ["x-ratelimit-remaining"] = "0",
            ["x-ratelimit-used"] = "5000",
            ["x-ratelimit-reset"] = DateTimeOffset.UtcNow.Add(resetIn).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    protected override string UnauthenticatedBody =>
        """{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}""";

    protected override bool Authenticated(HttpRequest request) => request.Headers.Authorization.ToString() == "Bearer " + _token;

    protected override (int Status, string Body)? Refuse(HttpRequest request) =>
        string.IsNullOrWhiteSpace(request.Headers.UserAgent.ToString())
            ? (403, """{"message":"Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes."}""")
            : null;

    protected override (int Status, string Body) Handle(string method, string path, IQueryCollection query, string? contentType, string body)
    {
        if (HandleComments(method, path, query, body) is { } comments)
            return comments;
        if (HandleRead(method, path, query) is { } read)
            return read;
        var match = LabelsPath().Match(path);
        if (!match.Success || method != "POST" || !Issues.TryGetValue($"{match.Groups[1].Value}/{match.Groups[2].Value}#{match.Groups[3].Value}", out var labels))
            return (404, Error("Not Found", 404));
        string[] added;
        try
        {
            if (JsonNode.Parse(body) is not JsonObject root || root["labels"] is not JsonArray array || array.Any(a => a?.GetValueKind() != JsonValueKind.String))
                return (422, Error("Invalid request.\n\nFor 'links/0/schema', nil is not an array.", 422));
            added = array.Select(a => a!.GetValue<string>()).ToArray();
        }
        catch (JsonException)
        {
            return (400, Error("Problems parsing JSON", 400));
        }
        if (added.Any(a => a.Trim().Length == 0 || a.Length > 50))
            return (422, JsonSerializer.Serialize(new
            {
                message = "Validation Failed", errors = new[] { new { resource = "Label", code = "invalid", field = "name" } },
                documentation_url = Docs, status = "422",
            }));
        foreach (var label in added)
            labels.Add(label);
        return (200, JsonSerializer.Serialize(labels.Select((name, i) => new
        {
            id = 1000 + i, node_id = $"LA_{i}", url = $"https://api.github.com/repos/{match.Groups[1].Value}/{match.Groups[2].Value}/labels/{Uri.EscapeDataString(name)}",
            name, color = "ededed", @default = false, description = (string?)null,
        })));
    }

    private static string Error(string message, int status) =>
        JsonSerializer.Serialize(new { message, documentation_url = Docs, status = status.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    [GeneratedRegex(@"^/repos/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/issues/([0-9]+)/labels$")]
    private static partial Regex LabelsPath();
}
