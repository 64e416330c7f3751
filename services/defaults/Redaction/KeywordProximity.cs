using static Agents.ServiceDefaults.Redaction.SecretKeywords;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// Values announced by a word: "pw X", "new password X does not work", "PIN: 1234", "Kennwort lautet X",
/// "X es mi contraseña", "PASSWORD=X;", "code reçu : 123456". After a keyword, the next few words of the same
/// sentence are read, up to the next keyword (a value on the next line only after a short label or a colon); a
/// value counts when it looks like what the keyword announces (<see cref="SecretShape"/>), or when it is said
/// outright (after ":", "=", "is", "ist", "lautet"…). Before a keyword, a value counts only with a linking word
/// between ("X is my password").
/// </summary>
public static class KeywordProximity
{
    /// <summary>
    /// Words read after a keyword (copulas and "de", "of" not counted): enough for "el PIN de la tarjeta que uso es X".
    /// </summary>
    private const int WordsAfter = 6;

    /// <summary>A label of up to this many words may end its line with the value on the next ("Código de verificación\nX").</summary>
    private const int LabelWords = 3;

    /// <summary>Linking words allowed between a value and the keyword after it ("X is my new password").</summary>
    private const int LinksBefore = 5;

    public static void Find(string text, List<Finding> found)
    {
        var at = 0;
        while (at < text.Length)
        {
            var i = text.AsSpan(at).IndexOfAny(Words);
            if (i < 0)
                return;
            var start = at + i;
            at = start + 1;
            var inWord = start > 0 && char.IsLetterOrDigit(text[start - 1]);
            if (At(text, start, inWord) is not { } keyword || !Bounded(text, start, keyword, out var end, out var head))
                continue;
            if (keyword.Family == Family.Code && NotSecret(text, start, end, head))
                continue;
            After(text, end, keyword, found);
            Before(text, start, keyword, found);
            at = end;
        }
    }

    /// <summary>
    /// True when the match is the keyword as a word (with a plural or genitive "s"), or the end of a compound the
    /// keyword may end (<paramref name="head"/> is then the compound's first part); <paramref name="end"/> is after it.
    /// </summary>
    private static bool Bounded(string text, int start, Keyword keyword, out int end, out string head)
    {
        end = start + keyword.Word.Length;
        head = "";
        if (end < text.Length && text[end] is 's' or 'S' && keyword.Word is not ("pass" or "sms") && (end + 1 == text.Length || !char.IsLetter(text[end + 1])))
            end++;
        else if (end + 1 < text.Length && text[end] is '\'' or '’' && text[end + 1] is 's' && (end + 2 == text.Length || !char.IsLetter(text[end + 2])))
            end += 2;
        if (end < text.Length && char.IsLetterOrDigit(text[end]))
            return false;
        if (start > 0 && text[start - 1] == '/')
            return false; // a path: …/reset-password
        if (start == 0 || !char.IsLetterOrDigit(text[start - 1]))
            return true;
        if (!keyword.EndsCompounds)
            return false;
        var h = start;
        while (h > 0 && char.IsLetter(text[h - 1]))
            h--;
        head = text[h..start];
        return true;
    }

    /// <summary>"error code 500", "Fehlercode", "código de error", "code postal": a code, but not a secret.</summary>
    private static bool NotSecret(string text, int start, int end, string head)
    {
        if (head.Length > 0)
            return NotSecretCodes.Contains(head.TrimEnd('s')) || NotSecretCodes.Contains(head);
        if (TextTokens.Previous(text, start, out var ps, out var pe) && !TextTokens.NewlineBetween(text, pe, start))
        {
            var (cs, ce) = TextTokens.Core(text, ps, pe);
            if (NotSecretCodes.Contains(text.AsSpan(cs, ce - cs)))
                return true;
        }
        var p = end;
        for (var words = 0; words < 2 && TextTokens.Next(text, p, out var s, out var e); words++, p = e)
        {
            var (cs, ce) = TextTokens.Core(text, s, e);
            var word = text.AsSpan(cs, ce - cs);
            if (Of.Contains(word))
                continue;
            return NotSecretCodes.Contains(word);
        }
        return false;
    }

    private static void After(string text, int end, Keyword keyword, List<Finding> found)
    {
        var p = end;
        // "PASSWORD=X;", "pw:X", "api_key_prod=X", "\"password\": \"X\"": the value may follow in the same token.
        while (p < text.Length && (char.IsAsciiLetterOrDigit(text[p]) || text[p] is '_' or '-'))
            p++;
        while (p < text.Length && text[p] is '"' or '\'' or '`' or ')' or ']')
            p++;
        var said = false;
        if (p < text.Length && text[p] is ':' or '=')
        {
            said = true;
            while (p < text.Length && text[p] is ':' or '=' or '>')
                p++;
            if (p < text.Length && !char.IsWhiteSpace(text[p]))
            {
                var valueEnd = p;
                while (valueEnd < text.Length && !char.IsWhiteSpace(text[valueEnd]) && text[valueEnd] is not (';' or '&'))
                    valueEnd++;
                var (cs, ce) = TextTokens.Core(text, p, valueEnd);
                ce = SecondGroup(text, cs, ce, valueEnd, out _);
                if (ce - cs >= 3 && !Placeholders.Contains(text.AsSpan(cs, ce - cs)))
                    found.Add(new Finding(cs, ce - cs, keyword.Kind));
                return;
            }
        }
        else if (p < text.Length && !char.IsWhiteSpace(text[p]) && !(text[p] is ',' or '.' or ';' or '!' or '?' or '-' or '–' or '(' or '»' or '“'
            && (p + 1 == text.Length || char.IsWhiteSpace(text[p + 1]))))
        {
            return; // inside a longer token: a link, a path, a file name
        }

        var copula = false;
        var taken = 0;
        var colon = said;
        for (var words = 0; words < WordsAfter && TextTokens.Next(text, p, out var s, out var e);)
        {
            // A value on the next line belongs to the keyword right after it or after a colon ("Password\nX",
            // "código de verificación:\nX"); a blank line ends the search.
            if (TextTokens.NewlineBetween(text, p, s) && (words > LabelWords && !colon || BlankLineBetween(text, p, s)))
                return;
            p = e;
            colon = text[e - 1] is ':' or '=';
            var (cs, ce) = TextTokens.Core(text, s, e);
            // "REÇU:«9419»", "verificação=(5090)": a word, a separator and the value in one token.
            if (text.AsSpan(cs, ce - cs).IndexOfAny(':', '=') is var inner and >= 0 && inner < ce - cs - 1 && cs + inner + 1 < ce)
            {
                var (vs, ve) = TextTokens.Core(text, cs + inner + 1, ce);
                ve = SecondGroup(text, vs, ve, e, out var after);
                if (ve > vs && Accepts(keyword, text.AsSpan(vs, ve - vs), said: true, copula: false))
                {
                    p = Math.Max(p, after);
                    found.Add(new Finding(vs, ve - vs, keyword.Kind));
                    if (keyword.Family != Family.Credentials || ++taken == 2)
                        return;
                }
            }
            if (!text.AsSpan(cs, ce - cs).ContainsAnyExcept(Punctuation))
            {
                // ":", "=", "->", "–", "/": the value is said next.
                said |= text.AsSpan(s, e - s).IndexOfAny(":=->–—/") >= 0;
                continue;
            }
            // Another keyword starts its own announcement ("pw X, code 1234"): this one's words end here.
            if (At(text, cs, inWord: false) is { } next && Bounded(text, cs, next, out _, out _))
                return;
            if (Copulas.Contains(text.AsSpan(cs, ce - cs)))
            {
                copula = true;
                continue;
            }
            if (Of.Contains(text.AsSpan(cs, ce - cs)))
                continue;
            var valueEnd = SecondGroup(text, cs, ce, e, out var secondEnd);
            if (secondEnd > e)
                (e, p) = (secondEnd, secondEnd);
            if (Accepts(keyword, text.AsSpan(cs, valueEnd - cs), said, copula))
            {
                found.Add(new Finding(cs, valueEnd - cs, keyword.Kind));
                // A value said outright ends the search; one that only looks like a secret may be a user name before it.
                if (++taken == 2 || ((said || copula) && keyword.Family != Family.Credentials))
                    return;
            }
            // "Password (new): X": only the word right after the keyword may still announce the value.
            said = words == 0 && text[e - 1] is ':' or '=';
            copula = false;
            words++;
            if (TextTokens.EndsSentence(text, s, e))
                return;
        }
    }

    /// <summary>
    /// "123 456": a code printed as two groups of three digits is one value. The end of the second group when
    /// <paramref name="start"/>..<paramref name="end"/> is the first (and <paramref name="after"/> the end of its
    /// token), else <paramref name="end"/>.
    /// </summary>
    private static int SecondGroup(string text, int start, int end, int tokenEnd, out int after)
    {
        after = tokenEnd;
        if (end - start != 3 || !SecretShape.AllDigits(text.AsSpan(start, 3)) || tokenEnd < text.Length && text[tokenEnd] is '\n' or '\r'
            || !TextTokens.Next(text, tokenEnd, out var s, out var e))
            return end;
        var (cs, ce) = TextTokens.Core(text, s, e);
        if (TextTokens.WithoutSentenceEnd(text.AsSpan(cs, ce - cs)) is not { Length: 3 } second || !SecretShape.AllDigits(second))
            return end;
        after = e;
        return cs + 3;
    }

    private static void Before(string text, int start, Keyword keyword, List<Finding> found)
    {
        var q = start;
        for (var links = 0; links <= LinksBefore && TextTokens.Previous(text, q, out var s, out var e); links++)
        {
            if (TextTokens.NewlineBetween(text, e, q))
                return;
            var (cs, ce) = TextTokens.Core(text, s, e);
            if (SecretKeywords.LinksBefore.Contains(text.AsSpan(cs, ce - cs)))
            {
                q = s;
                continue;
            }
            // "Office365 password reset" names a product; "X is my password" says a value: a linking word is needed.
            var value = text.AsSpan(cs, ce - cs);
            var looks = keyword.Family switch
            {
                Family.Code => SecretShape.LooksLikeCode(value),
                Family.Key => SecretShape.LooksLikeKey(value),
                _ => SecretShape.LooksLikePassword(value),
            };
            if (links > 0 && looks)
                found.Add(new Finding(cs, ce - cs, keyword.Kind));
            return;
        }
    }

    private static bool Accepts(Keyword keyword, ReadOnlySpan<char> value, bool said, bool copula) => keyword.Family switch
    {
        // A card's security code has three digits.
        Family.Code => SecretShape.LooksLikeCode(value) || said && SecretShape.LooksLikePassword(value)
            || keyword.Word is "cvv" or "cvc" && TextTokens.WithoutSentenceEnd(value) is { Length: 3 } cvv && SecretShape.AllDigits(cvv),
        // A hardware or app token shows a numeric code ("2FA token 482914"); after "key", four digits are a model number.
        Family.Key => SecretShape.LooksLikeKey(value) || said && value.Length >= 6 && value.ContainsAnyExcept(Letters)
            || keyword.Kind == SecretKinds.Token && TextTokens.WithoutSentenceEnd(value) is { Length: >= 6 } code && SecretShape.LooksLikeCode(code),
        // With a user name beside it ("Zugangsdaten: max.muster / X"), only a value shaped like a password counts.
        Family.Credentials => SecretShape.LooksLikePassword(value),
        // After "is", a capital, digit or symbol makes a value: "the password is wrong" stays prose.
        _ => SecretShape.LooksLikePassword(value) || SecretShape.LooksLikeCode(value) || said && value.Length >= 3
            || copula && TextTokens.WithoutSentenceEnd(value) is { Length: >= 4 } bare && bare.ContainsAnyExcept(LowercaseLetters),
    };

    private static readonly System.Buffers.SearchValues<char> Punctuation =
        System.Buffers.SearchValues.Create(":=-–—>/|.,;!?*·•()[]{}\"'«»“”‘’");

    private static readonly System.Buffers.SearchValues<char> Letters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzÄÖÜäöüßàâçéèêëîïôûùüÿñæœáíóúãõÁÉÍÓÚÑÇ");

    private static readonly System.Buffers.SearchValues<char> LowercaseLetters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzäöüßàâçéèêëîïôûùüÿñæœáíóúãõ");

    private static bool BlankLineBetween(string text, int from, int to)
    {
        var newlines = 0;
        for (var i = from; i < to; i++)
            if (text[i] == '\n' && ++newlines == 2)
                return true;
        return false;
    }
}
