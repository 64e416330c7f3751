using System.Buffers;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// Whitespace-separated tokens of a text, by position (no allocation), and the value inside one: what a customer
/// typed without the quotes, brackets and trailing comma around it.
/// </summary>
public static class TextTokens
{
    private const string Openers = "([{\"'«“‘`‹¿¡<„";
    private const string Closers = ")]}\"'»”’`›,;:>“";

    // Every character char.IsWhiteSpace accepts, for vectorised searches.
    private static readonly SearchValues<char> Whitespace = SearchValues.Create(
        "\t\n\v\f\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000");

    /// <summary>The first token starting at or after <paramref name="from"/>.</summary>
    public static bool Next(string text, int from, out int start, out int end)
    {
        var rest = text.AsSpan(from);
        var skip = rest.IndexOfAnyExcept(Whitespace);
        start = skip < 0 ? text.Length : from + skip;
        var length = text.AsSpan(start).IndexOfAny(Whitespace);
        end = length < 0 ? text.Length : start + length;
        return end > start;
    }

    /// <summary>The last token ending at or before <paramref name="before"/>.</summary>
    public static bool Previous(string text, int before, out int start, out int end)
    {
        end = before;
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
            end--;
        start = end;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]))
            start--;
        return end > start;
    }

    /// <summary>The value inside a token: wrapping quotes and brackets and a trailing comma, semicolon or colon removed.</summary>
    public static (int Start, int End) Core(string text, int start, int end)
    {
        while (start < end && Openers.Contains(text[start]))
            start++;
        while (end > start)
        {
            var last = text[end - 1];
            // A full stop after a closing quote or bracket ends the sentence, not the value: "'2038'.", "(X)!".
            var closesSentence = last is '.' or '!' or '?' or '…' && end - 1 > start && Closers.Contains(text[end - 2]);
            if (!closesSentence && !Closers.Contains(last))
                break;
            // The ']' that closes a placeholder ("admin:[PASSWORD_1]") belongs to it.
            if (last == ']' && text.LastIndexOf('[', end - 1, end - start) is var open and >= 0 && Placeholders.LengthAt(text, open) == end - open)
                break;
            end--;
        }
        return (start, end);
    }

    /// <summary>The value without the sentence's own end (<c>.</c>, <c>!</c>, <c>?</c>, <c>…</c>) after it.</summary>
    public static ReadOnlySpan<char> WithoutSentenceEnd(ReadOnlySpan<char> value)
    {
        var end = value.Length;
        while (end > 0 && value[end - 1] is '.' or '!' or '?' or '…')
            end--;
        return value[..end];
    }

    /// <summary>True when the token ends a sentence: the next word belongs to something else.</summary>
    public static bool EndsSentence(string text, int start, int end)
    {
        var (_, coreEnd) = Core(text, start, end);
        var last = end > start ? text[end - 1] : ' ';
        return last is '.' or '!' or '?' or ';' or '…' || (coreEnd > start && text[coreEnd - 1] is '.' or '!' or '?');
    }

    public static bool NewlineBetween(string text, int from, int to)
    {
        for (var i = from; i < to && i < text.Length; i++)
            if (text[i] is '\n' or '\r')
                return true;
        return false;
    }
}
