using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Agents.Classifier.Rules;

/// <summary>
/// One cue set's keywords and patterns, compiled: keywords match at a word start (with a trailing <c>$</c>: the
/// whole word), case and accents ignored; patterns are regular expressions on the lower-cased original text. Each
/// distinct hit counts once.
/// </summary>
public sealed class TextMatcher
{
    /// <summary>
    /// Generous on purpose: the clock includes the first match's JIT compilation of the pattern, which on a busy
    /// machine took more than the 200 ms this once was. It only has to stop a pathological pattern on a hostile text.
    /// </summary>
    public static readonly TimeSpan DefaultMatchTimeout = TimeSpan.FromSeconds(1);

    // Static: the rules classifier is also built outside the service (replay, tests). Same meter name as the
    // service's other metrics, so it is exported with them.
    private static readonly Meter Meter = new(ClassifierMetrics.MeterName);
    private static readonly Counter<long> Timeouts = Meter.CreateCounter<long>("agents.classifier.rules.pattern_timeouts", "{match}",
        "Rules patterns that ran out of time on a ticket and counted as no match.");

    private readonly Dictionary<string, string[]> _keywordsByLanguage;
    private readonly Regex[] _patterns;

    public TextMatcher(CueSet cues, TimeSpan? matchTimeout = null)
    {
        _keywordsByLanguage = cues.Keywords.ToDictionary(
            kv => kv.Key, kv => kv.Value.Select(Compile).Where(k => k.Trim().Length > 0).Distinct().ToArray());
        _patterns = cues.Patterns
            .Select(p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled, matchTimeout ?? DefaultMatchTimeout))
            .ToArray();
    }

    /// <summary>
    /// A keyword as the normalized text is searched for it: a leading space (a word start), and a trailing one for a
    /// whole word (the normalized text starts and ends with a space).
    /// </summary>
    private static string Compile(string keyword)
    {
        var whole = keyword.EndsWith('$');
        var core = Normalize(whole ? keyword[..^1] : keyword).Trim();
        return whole ? $" {core} " : " " + core;
    }

    /// <summary>The keywords and patterns that matched, for the given language plus "*".</summary>
    public List<string> Hits(PreparedText text, string language)
    {
        var hits = new List<string>();
        foreach (var key in new[] { "*", language })
        {
            if (!_keywordsByLanguage.TryGetValue(key, out var keywords))
                continue;
            foreach (var keyword in keywords)
            {
                if (text.Normalized.Contains(keyword, StringComparison.Ordinal))
                    hits.Add(keyword.Trim());
            }
        }
        foreach (var pattern in _patterns)
        {
            if (IsMatch(pattern, text.Lower))
                hits.Add(pattern.ToString());
        }
        return hits;
    }

    /// <summary>A pattern that runs out of time is no hit: the ticket is still classified on its other cues.</summary>
    private static bool IsMatch(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            Timeouts.Add(1, new KeyValuePair<string, object?>("pattern", pattern.ToString()));
            return false;
        }
    }

    /// <summary>Lower case, accents removed, anything but letters and digits turned into single spaces.</summary>
    public static string Normalize(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length + 2).Append(' ');
        var lastSpace = true;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c == 'ß' ? "ss" : c.ToString());
                lastSpace = false;
            }
            else if (!lastSpace)
            {
                sb.Append(' ');
                lastSpace = true;
            }
        }
        if (!lastSpace)
            sb.Append(' ');
        return sb.ToString();
    }
}

/// <summary>A ticket's text in the two shapes the matchers read.</summary>
public sealed record PreparedText(string Lower, string Normalized)
{
    public static PreparedText From(string text) => new(text.ToLowerInvariant(), TextMatcher.Normalize(text));
}
