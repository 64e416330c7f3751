using System.Text.Json;

namespace Agents.Cli.Api;

/// <summary>A service's answer: the status, the body as JSON when it is JSON, else as text.</summary>
public sealed record ApiAnswer(int Status, JsonElement? Json, string Text)
{
    public bool Succeeded => Status is >= 200 and < 300;

    /// <summary>A problem document's title and detail, else the body as it came.</summary>
    public string Problem
    {
        get
        {
            if (Json is not { ValueKind: JsonValueKind.Object } json)
                return Text.Trim();
            var parts = new[] { "title", "detail" }
                .Select(name => json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                .Where(text => !string.IsNullOrWhiteSpace(text));
            return string.Join(" ", parts);
        }
    }

    public static ApiAnswer From(int status, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return new ApiAnswer(status, doc.RootElement.Clone(), text);
        }
        catch (JsonException)
        {
            return new ApiAnswer(status, null, text); // an empty body, or not JSON at all
        }
    }
}
