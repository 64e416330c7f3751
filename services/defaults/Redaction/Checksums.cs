namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// The check digits real account numbers carry, so a real card or IBAN is caught and an order number of the same
/// length is not: Luhn (ISO/IEC 7812) for cards, mod-97 (ISO 13616) for IBANs.
/// </summary>
public static class Checksums
{
    /// <summary>True when the digits of <paramref name="candidate"/> (separators ignored) are 13 to 19 and pass Luhn.</summary>
    public static bool IsLuhnCard(ReadOnlySpan<char> candidate)
    {
        int sum = 0, count = 0;
        for (var i = candidate.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(candidate[i]))
                continue;
            var d = candidate[i] - '0';
            if (count++ % 2 == 1)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return count is >= 13 and <= 19 && sum % 10 == 0;
    }

    /// <summary>True when <paramref name="candidate"/> (spaces ignored, any case) is an IBAN whose check digits hold.</summary>
    public static bool IsIban(ReadOnlySpan<char> candidate)
    {
        Span<char> iban = stackalloc char[34];
        var length = 0;
        foreach (var c in candidate)
        {
            if (char.IsWhiteSpace(c))
                continue;
            if (length == iban.Length || !char.IsAsciiLetterOrDigit(c))
                return false;
            iban[length++] = char.ToUpperInvariant(c);
        }
        if (length < 15 || !char.IsAsciiLetter(iban[0]) || !char.IsAsciiLetter(iban[1]) || !char.IsAsciiDigit(iban[2]) || !char.IsAsciiDigit(iban[3]))
            return false;
        if (IbanLengths.TryGetValue(new string(iban[..2]), out var expected) && expected != length)
            return false;
        // Move the first four characters to the end; letters count as 10..35; the whole number mod 97 must be 1.
        var remainder = 0;
        for (var i = 0; i < length; i++)
        {
            var c = iban[(i + 4) % length];
            remainder = char.IsAsciiDigit(c) ? (remainder * 10 + (c - '0')) % 97 : (remainder * 100 + (c - 'A' + 10)) % 97;
        }
        return remainder == 1;
    }

    // The registry's lengths for the countries our customers write from most; others are checked by mod-97 alone.
    private static readonly Dictionary<string, int> IbanLengths = new()
    {
        ["AT"] = 20, ["BE"] = 16, ["CH"] = 21, ["DE"] = 22, ["DK"] = 18, ["ES"] = 24, ["FI"] = 18, ["FR"] = 27,
        ["GB"] = 22, ["IE"] = 22, ["IT"] = 27, ["LU"] = 20, ["NL"] = 18, ["NO"] = 15, ["PL"] = 28, ["PT"] = 25,
        ["SE"] = 24, ["BR"] = 29, ["MC"] = 27, ["LI"] = 21, ["CZ"] = 24, ["GR"] = 27, ["HU"] = 28, ["RO"] = 24,
    };
}
