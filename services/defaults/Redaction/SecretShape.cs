namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// What a secret value looks like, whatever the words around it: the character classes it mixes and how random it
/// is (Shannon entropy, as detect-secrets and gitleaks measure it). The detectors ask these questions; the
/// thresholds live here, in one place.
/// </summary>
public static class SecretShape
{
    [Flags]
    public enum Classes
    {
        None = 0,
        Upper = 1,
        Lower = 2,
        Digit = 4,
        /// <summary>A symbol people add to satisfy a password policy (<c>#$%&amp;*@!?</c>…), not only the sentence's full stop.</summary>
        Symbol = 8,
        /// <summary>A character that joins words, numbers and versions: <c>- . / _ ' ,  :</c> ("e-mail", "v2.1").</summary>
        Joiner = 16,
    }

    public static Classes ClassesOf(ReadOnlySpan<char> value)
    {
        var classes = Classes.None;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsDigit(c)) classes |= Classes.Digit;
            else if (char.IsUpper(c)) classes |= Classes.Upper;
            else if (char.IsLetter(c)) classes |= Classes.Lower;
            else if (c is '-' or '.' or '/' or '_' or '\'' or '’' or ',' or ':') classes |= Classes.Joiner;
            else if (!char.IsWhiteSpace(c) && !(i == value.Length - 1 && c is '!' or '?')) classes |= Classes.Symbol;
        }
        return classes;
    }

    /// <summary>Bits per character of the value's own character distribution.</summary>
    public static double Entropy(ReadOnlySpan<char> value)
    {
        if (value.Length == 0)
            return 0;
        Span<int> counts = stackalloc int[128];
        Dictionary<char, int>? other = null;
        foreach (var c in value)
        {
            if (c < 128) counts[c]++;
            else (other ??= [])[c] = other.GetValueOrDefault(c) + 1;
        }
        double entropy = 0, n = value.Length;
        foreach (var count in counts)
            if (count > 0) entropy -= count / n * Math.Log2(count / n);
        foreach (var count in other?.Values ?? Enumerable.Empty<int>())
            entropy -= count / n * Math.Log2(count / n);
        return entropy;
    }

    /// <summary>
    /// A value someone chose as a password, said next to a word that announces one: letters with a digit or a
    /// symbol ("Harbor2024", "p@ssword", "Montaña#7"). A plain word ("expired", "Reset", "e-mail") is not.
    /// </summary>
    public static bool LooksLikePassword(ReadOnlySpan<char> value)
    {
        if (value.Length is < 4 or > 64 || IsNotAValue(value))
            return false;
        var classes = ClassesOf(value);
        return (classes & (Classes.Upper | Classes.Lower)) != 0 && (classes & (Classes.Digit | Classes.Symbol)) != 0
            && !IsOrdinalOrUnit(TextTokens.WithoutSentenceEnd(value));
    }

    /// <summary>
    /// A password recognisable with no word around it: upper and lower case letters, a digit and a symbol, the
    /// symbol not only the sentence's full stop ("Tr0mb0ne#", "k9$Lw2!x").
    /// </summary>
    public static bool LooksLikeStrongPassword(ReadOnlySpan<char> value)
    {
        if (value.Length is < 6 or > 40 || IsNotAValue(value))
            return false;
        // Joiners do not count: "MS-Office365" and "v2.1_Beta" are names; a policy symbol makes a password.
        const Classes all = Classes.Upper | Classes.Lower | Classes.Digit | Classes.Symbol;
        return (ClassesOf(value) & all) == all || IsWordDigitsMark(value);
    }

    /// <summary>"Rocket60!": a capitalised word, digits, and one closing mark: how people meet a policy, not how they end a sentence.</summary>
    private static bool IsWordDigitsMark(ReadOnlySpan<char> value)
    {
        if (value[^1] is not ('!' or '?') || !char.IsUpper(value[0]))
            return false;
        var i = 1;
        while (i < value.Length && char.IsLower(value[i]))
            i++;
        var letters = i;
        while (i < value.Length && char.IsAsciiDigit(value[i]))
            i++;
        return letters >= 3 && i - letters >= 2 && i == value.Length - 1;
    }

    /// <summary>
    /// A one-time code, PIN or TAN: four to eight digits (in two groups or not: "123 456"), or a short code of
    /// capitals and digits.
    /// </summary>
    public static bool LooksLikeCode(ReadOnlySpan<char> value)
    {
        value = TextTokens.WithoutSentenceEnd(value);
        var separator = value.IndexOfAny(' ', '-');
        var digits = separator > 0 && value.Length - separator > 1 && AllDigits(value[..separator]) && AllDigits(value[(separator + 1)..])
            ? value.Length - 1
            : AllDigits(value) ? value.Length : 0;
        if (digits is >= 4 and <= 8)
            return true;
        if (value.Length is < 5 or > 10 || IsNotAValue(value))
            return false;
        var classes = ClassesOf(value);
        return classes == (Classes.Upper | Classes.Digit);
    }

    /// <summary>A key or token said next to a word that announces one: long, with letters and digits, no prose.</summary>
    public static bool LooksLikeKey(ReadOnlySpan<char> value)
    {
        value = TextTokens.WithoutSentenceEnd(value);
        if (value.Length is < 8 or > 512 || IsNotAValue(value))
            return false;
        var classes = ClassesOf(value);
        return (classes & (Classes.Upper | Classes.Lower)) != 0 && classes.HasFlag(Classes.Digit) || LooksRandom(value);
    }

    /// <summary>
    /// A random string: long, mixing letters and digits, and about as unpredictable as random characters of that
    /// length can be (the threshold grows with the length, as a short string cannot reach a long one's entropy).
    /// </summary>
    public static bool LooksRandom(ReadOnlySpan<char> value)
    {
        if (value.Length < 20)
            return false;
        var classes = ClassesOf(value);
        if ((classes & (Classes.Upper | Classes.Lower)) == 0)
            return false;
        var digits = classes.HasFlag(Classes.Digit);
        var entropy = Entropy(value);
        if (IsHex(value))
            return digits && value.Length >= 32 && entropy >= 3.0;
        // Mixed case: from 32 characters on, base64 may have no digit at all.
        if (classes.HasFlag(Classes.Upper | Classes.Lower))
            return (digits || value.Length >= 32) && entropy >= Math.Min(4.3, 0.8 * Math.Log2(value.Length) + 0.4);
        return digits && DigitShare(value) is >= 0.08 and <= 0.9 && entropy >= Math.Min(4.5, 0.8 * Math.Log2(value.Length) + 0.6);
    }

    public static bool AllDigits(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
            if (!char.IsAsciiDigit(c))
                return false;
        return value.Length > 0;
    }

    public static bool IsHex(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
            if (!char.IsAsciiHexDigit(c))
                return false;
        return value.Length > 0;
    }

    /// <summary>A link, an address, a placeholder or a path: never the secret itself (their own detectors look inside).</summary>
    private static bool IsNotAValue(ReadOnlySpan<char> value) =>
        value.Contains("://", StringComparison.Ordinal) || value.StartsWith("www.", StringComparison.OrdinalIgnoreCase)
        || Placeholders.Contains(value) || value.Contains("<name>", StringComparison.OrdinalIgnoreCase) || IsEmailAddress(value);

    private static bool IsEmailAddress(ReadOnlySpan<char> value)
    {
        var at = value.IndexOf('@');
        var domain = at > 0 ? value[(at + 1)..] : [];
        var dot = domain.LastIndexOf('.');
        return dot > 0 && domain.Length - dot > 2 && !domain[(dot + 1)..].ContainsAnyExcept(TopLevelDomainChars)
            && !value[..at].ContainsAnyExcept(LocalPartChars);
    }

    private static readonly System.Buffers.SearchValues<char> TopLevelDomainChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private static readonly System.Buffers.SearchValues<char> LocalPartChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-");

    // "3rd", "10th", "5GB", "24h", "2x": numbers with their suffix, not passwords.
    private static bool IsOrdinalOrUnit(ReadOnlySpan<char> value)
    {
        var digits = 0;
        while (digits < value.Length && char.IsAsciiDigit(value[digits]))
            digits++;
        if (digits == 0 || digits == value.Length)
            return false;
        foreach (var c in value[digits..])
            if (!char.IsLetter(c))
                return false;
        return value.Length - digits <= 3;
    }

    public static int DigitCount(ReadOnlySpan<char> value)
    {
        var digits = 0;
        foreach (var c in value)
            if (char.IsAsciiDigit(c)) digits++;
        return digits;
    }

    private static double DigitShare(ReadOnlySpan<char> value) => (double)DigitCount(value) / value.Length;
}
