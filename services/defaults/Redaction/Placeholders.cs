using System.Globalization;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// <c>[KIND_n]</c>: what replaces a value. Recognised again in text that was redacted before (ingest redacts, then
/// the classifier does), so a placeholder is never taken for a secret and its number is never given twice.
/// </summary>
public static class Placeholders
{
    private const int LongestKind = 16;

    public static string For(string kind, int number) => $"[{kind}_{number.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>The length of the placeholder starting at <paramref name="start"/>, or 0 when there is none.</summary>
    public static int LengthAt(ReadOnlySpan<char> text, int start)
    {
        if (start >= text.Length || text[start] != '[')
            return 0;
        var i = start + 1;
        while (i < text.Length && i - start <= LongestKind + 1 && (char.IsAsciiLetterUpper(text[i]) || text[i] == '_'))
            i++;
        if (i == start + 1 || text[i - 1] != '_')
            return 0;
        var digits = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
            i++;
        return i > digits && i < text.Length && text[i] == ']' ? i + 1 - start : 0;
    }

    /// <summary>Where the placeholder already in the text around <paramref name="at"/> ends, or 0 when <paramref name="at"/> is in none.</summary>
    public static int EndAround(string text, int at)
    {
        for (var i = at; i >= 0 && at - i <= LongestKind + 12; i--)
        {
            if (text[i] == '[')
                return LengthAt(text, i) is var length and > 0 && i + length > at ? i + length : 0;
            if (char.IsWhiteSpace(text[i]))
                return 0;
        }
        return 0;
    }

    /// <summary>
    /// How many different placeholders <paramref name="text"/> holds: the number of values redacted from it, the same
    /// whether it was redacted now or before (a replayed body that was stored redacted).
    /// </summary>
    public static int CountDistinct(string text)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = text.IndexOf('['); i >= 0; i = text.IndexOf('[', i + 1))
            if (LengthAt(text, i) is var length and > 0)
                seen.Add(text.Substring(i, length));
        return seen.Count;
    }

    /// <summary>True when <paramref name="value"/> contains a placeholder (a detector must not take one for a value).</summary>
    public static bool Contains(ReadOnlySpan<char> value)
    {
        for (var i = value.IndexOf('['); i >= 0; i = value[(i + 1)..].IndexOf('[') is var next and >= 0 ? i + 1 + next : -1)
            if (LengthAt(value, i) > 0)
                return true;
        return false;
    }
}
