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

    /// <summary>True when <paramref name="finding"/> lies within a placeholder already in the text.</summary>
    public static bool Covers(string text, Finding finding)
    {
        for (var i = finding.Start; i >= 0 && finding.Start - i <= LongestKind + 12; i--)
        {
            if (text[i] == '[')
                return LengthAt(text, i) is var length and > 0 && i + length >= finding.End;
            if (char.IsWhiteSpace(text[i]))
                return false;
        }
        return false;
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
