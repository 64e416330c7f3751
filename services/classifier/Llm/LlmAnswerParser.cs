using System.Text.Json;
using System.Text.RegularExpressions;
using Agents.Contracts;

namespace Agents.Classifier.Llm;

/// <summary>
/// Turns the model's text into a <see cref="Classification"/>, strictly: invalid JSON, a missing or unknown field,
/// a category outside the taxonomy, a priority, sentiment or language outside its set, or a confidence outside
/// 0..1 all throw <see cref="LlmCallException"/> (a failed call, counted by the breaker).
/// </summary>
public static partial class LlmAnswerParser
{
    private static readonly HashSet<string> Fields = ["category", "priority", "sentiment", "language", "confidence", "reason", "tags"];

    public static Classification Parse(string? text, IReadOnlyList<string> taxonomy)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Invalid("empty answer");
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(text);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Invalid("answer is not JSON");
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw Invalid("answer is not a JSON object");
        foreach (var property in root.EnumerateObject())
        {
            if (!Fields.Contains(property.Name))
                throw Invalid("unknown field in answer");
        }

        var category = OneOf(root, "category", taxonomy);
        var priority = OneOf(root, "priority", ClassificationPrompt.Priorities);
        var sentiment = OneOf(root, "sentiment", ClassificationPrompt.Sentiments);
        var language = String(root, "language").Trim().ToLowerInvariant();
        if (!IsoLanguage().IsMatch(language) || !Enum.TryParse<Lingua.IsoCode6391>(language, ignoreCase: true, out _))
            throw Invalid("language is not an ISO 639-1 code");
        var confidenceElement = Required(root, "confidence");
        if (confidenceElement.ValueKind != JsonValueKind.Number || !confidenceElement.TryGetDouble(out var confidence)
            || double.IsNaN(confidence) || confidence is < 0 or > 1)
            throw Invalid("confidence is not a number from 0 to 1");
        var reason = OneLine(String(root, "reason"));
        var tagsElement = Required(root, "tags");
        if (tagsElement.ValueKind != JsonValueKind.Array || tagsElement.GetArrayLength() > 10)
            throw Invalid("tags is not an array of at most 10 strings");
        var tags = new List<string>();
        foreach (var tag in tagsElement.EnumerateArray())
        {
            if (tag.ValueKind != JsonValueKind.String)
                throw Invalid("tags is not an array of strings");
            // Tags become a CRM write: keep them to a safe, short shape whatever the model wrote.
            var clean = TagShape().Replace(tag.GetString()!.Trim().ToLowerInvariant(), "-").Trim('-');
            if (clean.Length is > 0 and <= 40 && !tags.Contains(clean))
                tags.Add(clean);
        }

        return new Classification
        {
            Category = category,
            Priority = priority,
            Sentiment = sentiment,
            Language = language,
            Confidence = Math.Round(confidence, 3),
            Reason = reason,
            Tags = tags.Take(5).ToList(),
            ClassifiedBy = "llm",
        };
    }

    private static JsonElement Required(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : throw Invalid($"{name} is missing");

    private static string String(JsonElement root, string name)
    {
        var value = Required(root, name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid($"{name} is not a string");
    }

    private static string OneOf(JsonElement root, string name, IReadOnlyList<string> allowed)
    {
        var value = String(root, name).Trim();
        return allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid($"{name} is not one of the allowed values");
    }

    private static string OneLine(string text)
    {
        var line = Whitespace().Replace(text, " ").Trim();
        return line.Length <= 200 ? line : line[..200];
    }

    private static LlmCallException Invalid(string why) => new("invalid_answer", why);

    [GeneratedRegex("^[a-z]{2}$")]
    private static partial Regex IsoLanguage();

    [GeneratedRegex(@"[^a-z0-9\-_ ]+|\s+")]
    private static partial Regex TagShape();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
