using System.Text.Json;

namespace Agents.Ingest.Normalization;

/// <summary>
/// Reads fields from a vendor payload by path without throwing: a missing or null field is null, a field of the
/// wrong type is null plus a warning (so the ticket still goes through, and the warning says what was wrong).
/// </summary>
public sealed class PayloadReader(JsonElement root, List<string> warnings)
{
    public JsonElement Root => root;
    public List<string> Warnings => warnings;

    public PayloadReader For(JsonElement element) => new(element, warnings);

    /// <summary>The element at the path, or null when a step is missing, null, or not an object.</summary>
    public JsonElement? At(params string[] path) => Find(root, path);

    public static JsonElement? Find(JsonElement from, params string[] path)
    {
        var current = from;
        foreach (var step in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(step, out current))
                return null;
        }
        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    /// <summary>A string, number or boolean at the path as text; anything else is null with a warning.</summary>
    public string? Text(params string[] path)
    {
        if (At(path) is not { } value)
            return null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String: return JsonStrings.Read(value);
            case JsonValueKind.Number: return value.GetRawText();
            case JsonValueKind.True: return "true";
            case JsonValueKind.False: return "false";
            default:
                warnings.Add($"{string.Join('.', path)} is {value.ValueKind.ToString().ToLowerInvariant()}, expected text; ignored");
                return null;
        }
    }

    /// <summary>An array of strings (or of objects with <paramref name="nameField"/>) at the path; a single string is split on spaces and commas.</summary>
    public IReadOnlyList<string> List(string[] path, string? nameField = null)
    {
        if (At(path) is not { } value)
            return [];
        if (value.ValueKind == JsonValueKind.String)
            return JsonStrings.Read(value).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (value.ValueKind != JsonValueKind.Array)
        {
            warnings.Add($"{string.Join('.', path)} is {value.ValueKind.ToString().ToLowerInvariant()}, expected a list; ignored");
            return [];
        }
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var text = item.ValueKind switch
            {
                JsonValueKind.String => JsonStrings.Read(item),
                JsonValueKind.Number => item.GetRawText(),
                JsonValueKind.Object when nameField is not null => Find(item, nameField) is { ValueKind: JsonValueKind.String } n ? JsonStrings.Read(n) : null,
                _ => null,
            };
            if (text is null)
                warnings.Add($"{string.Join('.', path)} holds a {item.ValueKind.ToString().ToLowerInvariant()} item; ignored");
            else
                items.Add(text);
        }
        return items;
    }
}
