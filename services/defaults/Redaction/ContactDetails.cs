using System.Buffers;
using System.Text.RegularExpressions;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// Personal data that is not a credential but has no place in a prompt either: e-mail addresses and phone numbers
/// (international, or national with separators between groups; dates and plain ids stay).
/// </summary>
public static partial class ContactDetails
{
    public static void Find(string text, List<Finding> found)
    {
        for (var at = text.IndexOf('@'); at >= 0; at = text.IndexOf('@', at + 1))
            if (EmailAround(text, at) is { } email)
                found.Add(email);
        foreach (var m in Phone().EnumerateMatches(text))
        {
            var digits = SecretShape.DigitCount(text.AsSpan(m.Index, m.Length));
            if (digits is >= 7 and <= 15)
                found.Add(new Finding(m.Index, m.Length, SecretKinds.Phone));
        }
    }

    private static readonly SearchValues<char> LocalPart =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-");

    private static readonly SearchValues<char> DomainPart =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");

    // Read outwards from the '@' (a pattern would try every letter of the text as an address's start).
    private static Finding? EmailAround(string text, int at)
    {
        var start = at;
        while (start > 0 && LocalPart.Contains(text[start - 1]))
            start--;
        var end = at + 1;
        while (end < text.Length && DomainPart.Contains(text[end]))
            end++;
        while (end > at + 1 && text[end - 1] is '.' or '-')
            end--; // the sentence's full stop
        var domain = text.AsSpan(at + 1, end - at - 1);
        var dot = domain.LastIndexOf('.');
        if (start == at || dot <= 0 || domain.Length - dot - 1 < 2 || domain[(dot + 1)..].ContainsAnyExcept(Letters))
            return null;
        return new Finding(start, end - start, SecretKinds.Email);
    }

    private static readonly SearchValues<char> Letters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    [GeneratedRegex(@"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,5}){1,4}|\(\d{2,5}\)[\s.-]?\d{3,4}[\s.-]?\d{3,5}|\b\d{3}[\s.-]\d{3}[\s.-]\d{4})(?!\w)")]
    private static partial Regex Phone();
}
