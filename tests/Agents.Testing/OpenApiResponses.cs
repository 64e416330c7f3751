using System.Text.Json;

namespace Agents.Testing;

/// <summary>
/// What a service's OpenAPI document promises per route: the status codes of each operation and whether each one
/// names a body. A client generated from the document knows only these answers, so a route whose document lists 200
/// alone while it answers 202, 404 or 409 misleads every client.
/// </summary>
public sealed class OpenApiResponses
{
    private readonly Dictionary<string, Dictionary<string, bool>> _operations;

    private OpenApiResponses(Dictionary<string, Dictionary<string, bool>> operations) => _operations = operations;

    /// <summary>Reads <c>/openapi/v1.json</c> (served without a token).</summary>
    public static async Task<OpenApiResponses> ReadAsync(HttpClient client)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var operations = new Dictionary<string, Dictionary<string, bool>>(StringComparer.Ordinal);
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject())
                if (operation.Value.TryGetProperty("responses", out var responses))
                    operations[$"{operation.Name.ToUpperInvariant()} {path.Name}"] = responses.EnumerateObject()
                        .ToDictionary(r => r.Name, r => r.Value.TryGetProperty("content", out var content) && content.EnumerateObject().Any());
        return new OpenApiResponses(operations);
    }

    /// <summary>The status codes the document lists for the route, with "+body" on those that name a body (a problem
    /// document included), e.g.
    /// "POST /approvals/{id}/approve: 200+body 404+body", or "… : not documented".</summary>
    public string Describe(string route) =>
        $"{route}: {(_operations.TryGetValue(route, out var codes) ? string.Join(' ', codes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value ? c.Key + "+body" : c.Key)) : "not documented")}";

    /// <summary>
    /// The document's own line for each route an expected line names (the text before ": "), to compare with those
    /// lines: a failure shows every route whose answers differ, side by side.
    /// </summary>
    public IEnumerable<string> DescribeAsExpected(IEnumerable<string> expected) =>
        expected.Select(line => Describe(line[..line.IndexOf(": ", StringComparison.Ordinal)])).ToList();
}
