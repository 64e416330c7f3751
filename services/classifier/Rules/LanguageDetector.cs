using System.Collections.Concurrent;
using Lingua;

namespace Agents.Classifier.Rules;

/// <summary>Lingua, restricted to the languages the rules file supports (faster and more accurate than all 75).</summary>
public sealed class LanguageDetector
{
    private static readonly ConcurrentDictionary<string, Lazy<Lingua.LanguageDetector>> Detectors = new();
    private readonly Lingua.LanguageDetector _detector;
    private readonly string _fallback;

    public LanguageDetector(IEnumerable<string> isoCodes)
    {
        var languages = isoCodes
            .Select(code => Enum.TryParse<IsoCode6391>(code, ignoreCase: true, out var iso) ? LanguageInfo.GetByIsoCode6391(iso) : (Language?)null)
            .OfType<Language>()
            .Distinct()
            .ToArray();
        if (languages.Length < 2)
            throw new InvalidOperationException("The rules file must name at least two languages (ISO 639-1) for detection.");
        _fallback = languages[0].IsoCode6391().ToString().ToLowerInvariant();
        // Loading the models takes seconds: one detector per language set per process.
        _detector = Detectors.GetOrAdd(string.Join(",", languages.Order()),
            _ => new Lazy<Lingua.LanguageDetector>(() => LanguageDetectorBuilder.FromLanguages(languages).WithPreloadedLanguageModels().Build())).Value;
    }

    /// <summary>The ISO 639-1 code of the text's language, and how sure Lingua is (0..1).</summary>
    public (string Code, double Confidence) Detect(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return (_fallback, 0);
        var values = _detector.ComputeLanguageConfidenceValues(text);
        var best = values.FirstOrDefault();
        if (best.Key == Language.Unknown || best.Value <= 0)
            return (_fallback, 0);
        return (best.Key.IsoCode6391().ToString().ToLowerInvariant(), best.Value);
    }
}
