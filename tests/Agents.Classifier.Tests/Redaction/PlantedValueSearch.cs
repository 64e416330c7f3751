using System.Buffers;
using System.Text.Json;

namespace Agents.Classifier.Tests.Redaction;

/// <summary>
/// Finds which of many planted values a large text holds, in one pass over it (a multi-string search over every
/// form of every value), so megabytes of logs, rows, messages and spans are read once, not once per value.
/// Forms: the value as written, JSON-escaped (System.Text.Json escapes + &amp; ' &lt; &gt;), and without the
/// separators of a card or IBAN. A value shorter than eight characters ("6339", a PIN) is a number a database
/// connection id, a port or a GUID's group may equal by chance, so it is looked for as the ticket wrote it: with
/// the word before it ("PIN 6339"), and as a word of its own.
/// </summary>
public sealed class PlantedValueSearch
{
    private const int ShortValue = 8;

    private readonly Dictionary<string, List<string>> _valuesByForm = new(StringComparer.Ordinal);
    private readonly SearchValues<string> _forms;

    /// <param name="planted">Each value and the text of the ticket it was planted in.</param>
    public PlantedValueSearch(IEnumerable<(string Value, string Text)> planted)
    {
        foreach (var (value, text) in planted)
            foreach (var form in Forms(value.Length >= ShortValue ? value : WithWordBefore(value, text)))
            {
                if (!_valuesByForm.TryGetValue(form, out var owners))
                    _valuesByForm[form] = owners = [];
                if (!owners.Contains(value))
                    owners.Add(value);
            }
        _forms = SearchValues.Create(_valuesByForm.Keys.ToArray(), StringComparison.Ordinal);
    }

    /// <summary>"PIN (6339": the value with the text before it back to the start of the word before it, on its line.</summary>
    private static string WithWordBefore(string value, string text)
    {
        var at = text.IndexOf(value, StringComparison.Ordinal);
        if (at <= 0)
            return value;
        var start = at;
        while (start > 0 && text[start - 1] is ' ' or '\t' or '(' or '"' or '\'' or '«' or '„' or ':' or '=')
            start--;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]))
            start--;
        return text[start..(at + value.Length)];
    }

    /// <summary>The planted values <paramref name="text"/> holds, in any of their forms, and where the first one starts.</summary>
    public IReadOnlyDictionary<string, int> FoundIn(string text)
    {
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        var span = text.AsSpan();
        for (var at = span.IndexOfAny(_forms); at >= 0;)
        {
            // Several forms may start here ("1234" and "123456"): check each that does.
            foreach (var (form, owners) in _valuesByForm)
                if (span[at..].StartsWith(form, StringComparison.Ordinal) && StandsAlone(span, at, form.Length))
                    foreach (var owner in owners)
                        found.TryAdd(owner, at);
            var next = span[(at + 1)..].IndexOfAny(_forms);
            at = next < 0 ? -1 : at + 1 + next;
        }
        return found;
    }

    private static IEnumerable<string> Forms(string value)
    {
        yield return value;
        var json = JsonSerializer.Serialize(value)[1..^1];
        if (json != value)
            yield return json;
        var compact = string.Concat(value.Where(c => c is not (' ' or '-')));
        if (compact != value && compact.Length >= 12)
            yield return compact;
    }

    private static bool StandsAlone(ReadOnlySpan<char> text, int at, int length) =>
        length >= ShortValue || !PartOfAWord(text, at - 1, -1) && !PartOfAWord(text, at + length, +1);

    // A letter or digit next to the value, or a joining mark with one beyond it: a decimal ("0.9606"), a GUID's
    // group ("5ae7855b-ad1d-539c-9606-cedaa5eee46c"), a time or an id ("12:9606").
    // The 'n' of a JSON "\n" before the value is a line break, not a letter.
    private static bool PartOfAWord(ReadOnlySpan<char> text, int i, int direction) =>
        i >= 0 && i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) && !(direction < 0 && i > 0 && text[i - 1] == '\\')
            || text[i] is '.' or ',' or '-' or ':' && i + direction >= 0 && i + direction < text.Length && char.IsAsciiLetterOrDigit(text[i + direction]));
}
