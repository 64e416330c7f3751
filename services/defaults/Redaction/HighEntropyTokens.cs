namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// Secrets recognised by their shape alone, whatever the words around them (detect-secrets' entropy plugins, in our
/// terms): long random strings of base64, base64url or hex characters (keys, signing secrets, tokens with no
/// vendor prefix), and short tokens that mix capitals, small letters, digits and a policy symbol the way only
/// passwords do. UUIDs are record ids, not secrets, and stay.
/// </summary>
public static class HighEntropyTokens
{
    public static void Find(string text, List<Finding> found)
    {
        // One pass over the characters: runs of key characters (base64, base64url, hex) for random strings, and
        // whitespace-separated tokens for passwords; only the few long runs and tokens with a digit are examined.
        int run = 0, token = 0;
        var tokenHasDigit = false;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (!IsKeyChar(c))
            {
                if (i - run >= 20)
                    RandomString(text, run, i, found);
                run = i + 1;
            }
            if (char.IsWhiteSpace(c))
            {
                if (tokenHasDigit && i - token >= 6)
                    StrongPassword(text, token, i, found);
                token = i + 1;
                tokenHasDigit = false;
            }
            else if (char.IsAsciiDigit(c))
            {
                tokenHasDigit = true;
            }
        }
    }

    // '=' is not a key character: inside a run it separates a name from its value ("token=…"); base64 padding is
    // added back at the end of a run.
    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '_' or '-';

    private static void RandomString(string text, int start, int end, List<Finding> found)
    {
        while (end < text.Length && text[end] == '=')
            end++;
        // Trim what joins the string to its sentence ("/…", "-"), but keep base64 padding.
        var run = text.AsSpan(start, end - start);
        var value = run.TrimStart("/-_").TrimEnd("/-_");
        if (!IsUuid(value) && SecretShape.LooksRandom(value))
            found.Add(new Finding(start + run.IndexOf(value), value.Length, SecretKinds.Secret));
    }

    private static void StrongPassword(string text, int start, int end, List<Finding> found)
    {
        var (cs, ce) = TextTokens.Core(text, start, end);
        // "Id=app;Password=K9$lw2xq;Timeout=5", "admin:S3cret!x": the password is one part of the token.
        var parts = text.AsSpan(cs, ce - cs);
        var any = false;
        for (var at = 0; at < parts.Length;)
        {
            var length = parts[at..].IndexOfAny(';', '&');
            var part = length < 0 ? parts[at..] : parts.Slice(at, length);
            var separator = part.LastIndexOfAny(':', '=');
            if (separator >= 0 && SecretShape.LooksLikeStrongPassword(part[(separator + 1)..]))
            {
                found.Add(new Finding(cs + at + separator + 1, part.Length - separator - 1, SecretKinds.Password));
                any = true;
            }
            at += part.Length + 1;
        }
        if (!any && SecretShape.LooksLikeStrongPassword(parts))
            found.Add(new Finding(cs, ce - cs, SecretKinds.Password));
    }

    // 8-4-4-4-12 hex digits.
    private static bool IsUuid(ReadOnlySpan<char> value) =>
        value.Length == 36 && value[8] == '-' && value[13] == '-' && value[18] == '-' && value[23] == '-'
        && SecretShape.IsHex(value[..8]) && SecretShape.IsHex(value[9..13]) && SecretShape.IsHex(value[24..]);
}
