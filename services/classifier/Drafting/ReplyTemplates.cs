using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agents.Classifier.Drafting;

/// <summary>
/// The reviewed reply templates (<see cref="DraftOptions.TemplatesFile"/>): per language a greeting, a closing and one
/// paragraph per category (<c>default</c> for a category without its own). Used when no LLM draft can be had; the
/// file is reviewed like the policy, and the tests hold every template to the same validation as a model's draft.
/// </summary>
public sealed class ReplyTemplates
{
    private readonly IReadOnlyDictionary<string, LanguageTemplates> _languages;

    private ReplyTemplates(IReadOnlyDictionary<string, LanguageTemplates> languages) => _languages = languages;

    public IReadOnlyCollection<string> Languages => _languages.Keys.ToList();

    public static ReplyTemplates Load(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"The reply templates file {path} does not exist (Classifier:Drafts:TemplatesFile).");
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"The reply templates file {path} is not valid: {e.Message}", e);
        }
    }

    public static ReplyTemplates Parse(string json)
    {
        var file = JsonSerializer.Deserialize<Dictionary<string, LanguageTemplates>>(json, new JsonSerializerOptions
        {
            ReadCommentHandling = JsonCommentHandling.Skip,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        }) ?? throw new JsonException("The templates file is empty.");
        foreach (var (language, t) in file)
        {
            if (!t.Categories.ContainsKey(Default))
                throw new JsonException($"{language}: a \"{Default}\" category is required.");
        }
        return new ReplyTemplates(new Dictionary<string, LanguageTemplates>(file, StringComparer.OrdinalIgnoreCase));
    }

    private const string Default = "default";

    /// <summary>The reply for a category in a language, or null when the file has no such language.</summary>
    public string? For(string category, string language)
    {
        if (!_languages.TryGetValue(language, out var t))
            return null;
        var paragraph = t.Categories.TryGetValue(category, out var own) ? own : t.Categories[Default];
        return $"{t.Greeting}\n\n{paragraph}\n\n{t.Closing}";
    }

    /// <summary>Whether a category has its own paragraph in a language (not the default's).</summary>
    public bool Covers(string category, string language) =>
        _languages.TryGetValue(language, out var t) && t.Categories.ContainsKey(category);

    public sealed record LanguageTemplates
    {
        [JsonPropertyName("greeting")]
        public required string Greeting { get; init; }

        [JsonPropertyName("closing")]
        public required string Closing { get; init; }

        [JsonPropertyName("categories")]
        public required Dictionary<string, string> Categories { get; init; }
    }
}
