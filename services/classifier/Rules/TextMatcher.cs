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
    private readonly Dictionary<string, string[]> _keywordsByLanguage;
    private readonly Regex[] _patterns;

    public TextMatcher(CueSet cues)
    {
        _keywordsByLanguage = cues.Keywords.ToDictionary(
            kv => kv.Key, kv => kv.Value.Select(Compile).Where(k => k.Trim().Length > 0).Distinct().ToArray());
        _patterns = cues.Patterns
            .Select(p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromMilliseconds(200)))
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
            if (pattern.IsMatch(text.Lower))
                hits.Add(pattern.ToString());
        }
        return hits;
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
