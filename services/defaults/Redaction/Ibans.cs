namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// IBANs, in groups of four or not, in capitals or not, that pass mod-97: two letters and two check digits at the
/// start of a word, then up to 30 letters and digits with single spaces between groups. The words after the number
/// are letters and digits too, so the longest stretch ending between groups that passes the check is the IBAN.
/// Read by hand rather than by a case-insensitive pattern: it starts only where a digit follows two letters.
/// </summary>
public static class Ibans
{
    public static void Find(string text, List<Finding> found)
    {
        var span = text.AsSpan();
        Span<int> ends = stackalloc int[34];
        for (var i = span.IndexOfAnyInRange('0', '9'); i >= 0 && i + 1 < span.Length;)
        {
            var start = i - 2;
            if (start >= 0 && char.IsAsciiLetter(span[start]) && char.IsAsciiLetter(span[start + 1]) && char.IsAsciiDigit(span[i + 1])
                && (start == 0 || !char.IsAsciiLetterOrDigit(span[start - 1])))
            {
                var count = Groups(span, start, ends);
                for (var g = count - 1; g >= 0; g--)
                {
                    if (Checksums.IsIban(span[start..ends[g]]))
                    {
                        found.Add(new Finding(start, ends[g] - start, SecretKinds.Iban));
                        i = ends[g] - 1;
                        break;
                    }
                }
            }
            var next = span[(i + 1)..].IndexOfAnyInRange('0', '9');
            i = next < 0 ? -1 : i + 1 + next;
        }
    }

    /// <summary>The positions after each group of letters and digits (single spaces between), at least 15 characters in.</summary>
    private static int Groups(ReadOnlySpan<char> span, int start, Span<int> ends)
    {
        int count = 0, characters = 0, at = start;
        while (at < span.Length && characters < 34)
        {
            if (char.IsAsciiLetterOrDigit(span[at]))
            {
                characters++;
                at++;
                var boundary = at == span.Length || !char.IsAsciiLetterOrDigit(span[at]);
                if (boundary && characters >= 15)
                    ends[count++] = at;
                continue;
            }
            if (span[at] is ' ' or '\u00A0' && at + 1 < span.Length && char.IsAsciiLetterOrDigit(span[at + 1]) && at > start)
            {
                at++;
                continue;
            }
            break;
        }
        return count;
    }
}
