using System.Buffers;
using System.Text.Json;

namespace Agents.Classifier.Tests.Redaction;

/// <summary>
/// Finds which of many planted values a large text holds, in one pass over it (a multi-string search over every
/// form of every value), so megabytes of logs, rows, messages and spans are read once, not once per value.
/// Forms: the value as written, JSON-escaped (System.Text.Json escapes + &amp; ' &lt; &gt;), and without the
/// separators of a card or IBAN. A value shorter than eight characters ("6339", a PIN) counts only as a word of its
/// own: inside a GUID, a trace id, a hash or a decimal its digits are a coincidence, not a leak.
/// </summary>
public sealed class PlantedValueSearch
{
    private readonly Dictionary<string, List<string>> _valuesByForm = new(StringComparer.Ordinal);
    private readonly SearchValues<string> _forms;

    public PlantedValueSearch(IEnumerable<string> values)
    {
        foreach (var value in values.Distinct(StringComparer.Ordinal))
            foreach (var form in Forms(value))
            {
                if (!_valuesByForm.TryGetValue(form, out var owners))
                    _valuesByForm[form] = owners = [];
                owners.Add(value);
            }
        _forms = SearchValues.Create(_valuesByForm.Keys.ToArray(), StringComparison.Ordinal);
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

    private static bool StandsAlone(ReadOnlySpan<char> text, int at, int length)
    {
        if (length >= 8)
            return true;
        var end = at + length;
        return !PartOfAWord(text, at - 1, -1) && !PartOfAWord(text, end, +1);
    }

    // A letter or digit next to the value, or a joining mark with one beyond it: a decimal ("0.9606"), a GUID's
    // group ("5ae7855b-ad1d-539c-9606-cedaa5eee46c"), a time or an id ("12:9606").
    private static bool PartOfAWord(ReadOnlySpan<char> text, int i, int direction) =>
        i >= 0 && i < text.Length && (char.IsAsciiLetterOrDigit(text[i])
            || text[i] is '.' or ',' or '-' or ':' && i + direction >= 0 && i + direction < text.Length && char.IsAsciiLetterOrDigit(text[i + direction]));
}
