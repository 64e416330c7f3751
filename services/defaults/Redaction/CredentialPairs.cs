namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// A user name and a password written together, with no word that says so: <c>max.muster / Maple998*</c>,
/// <c>admin:S3cret!</c>. The second half must look like a password; "Windows / Office365" and "10:30" are not pairs
/// because a name with no dot, digit or <c>@</c> needs a password with a symbol, and times have no letters. Read
/// outwards from each <c>/</c> and <c>:</c> (a pattern would try every word of the text as a user name).
/// </summary>
public static class CredentialPairs
{
    private const int Longest = 64;

    public static void Find(string text, List<Finding> found)
    {
        for (var at = text.IndexOf('/'); at >= 0; at = text.IndexOf('/', at + 1))
            Slashed(text, at, found);
        for (var at = text.IndexOf(':'); at >= 0; at = text.IndexOf(':', at + 1))
            Colon(text, at, found);
    }

    // "user / secret", spaces optional: both halves whole tokens, not segments of a path or a date.
    private static void Slashed(string text, int slash, List<Finding> found)
    {
        var userEnd = slash;
        while (userEnd > 0 && text[userEnd - 1] is ' ' or '\t')
            userEnd--;
        var userStart = UserStart(text, userEnd, "./@-_");
        var secretStart = slash + 1;
        while (secretStart < text.Length && text[secretStart] is ' ' or '\t')
            secretStart++;
        var secretEnd = secretStart;
        while (secretEnd < text.Length && !char.IsWhiteSpace(text[secretEnd]) && text[secretEnd] != '/')
            secretEnd++;
        if (userStart < 0 || secretEnd < text.Length && text[secretEnd] == '/')
            return;
        Add(text, text.AsSpan(userStart, userEnd - userStart), secretStart, secretEnd, found);
    }

    // "user:secret" with no spaces; not a link (scheme://), not a time (letters are required on the right).
    private static void Colon(string text, int colon, List<Finding> found)
    {
        var userStart = UserStart(text, colon, ".@/:-_");
        var secretEnd = colon + 1;
        while (secretEnd < text.Length && !char.IsWhiteSpace(text[secretEnd]) && text[secretEnd] is not (':' or '/'))
            secretEnd++;
        if (userStart < 0)
            return;
        // The rest of the token holds no other colon: "12:30:45", "fe80::1", "urn:a:b" are not pairs.
        for (var i = secretEnd; i < text.Length && !char.IsWhiteSpace(text[i]); i++)
            if (text[i] == ':')
                return;
        Add(text, text.AsSpan(userStart, colon - userStart), colon + 1, secretEnd, found);
    }

    /// <summary>
    /// Where the user name ending at <paramref name="end"/> starts, or -1 when there is none (too short or long) or
    /// it is the tail of something longer (a character of <paramref name="notBefore"/>, a letter or digit before it).
    /// </summary>
    private static int UserStart(string text, int end, string notBefore)
    {
        var start = end;
        while (start > 0 && end - start <= Longest && (char.IsLetterOrDigit(text[start - 1]) || text[start - 1] is '.' or '_' or '@' or '+' or '-'))
            start--;
        if (end - start is < 2 or > Longest)
            return -1;
        return start > 0 && notBefore.Contains(text[start - 1]) ? -1 : start;
    }

    private static void Add(string text, ReadOnlySpan<char> user, int secretStart, int secretEnd, List<Finding> found)
    {
        if (secretEnd - secretStart is < 4 or > Longest)
            return;
        var (cs, ce) = TextTokens.Core(text, secretStart, secretEnd);
        var value = text.AsSpan(cs, ce - cs);
        if (value.Length < 6 || !SecretShape.LooksLikePassword(value) || SecretShape.IsHex(user) && user.Length <= 4
            || value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return;
        var classes = SecretShape.ClassesOf(value);
        var nameLike = user.IndexOfAny(".@_") >= 0 || user.ContainsAnyInRange('0', '9') || !user.ContainsAnyInRange('A', 'Z');
        if (classes.HasFlag(SecretShape.Classes.Symbol) || nameLike && classes.HasFlag(SecretShape.Classes.Digit))
            found.Add(new Finding(cs, ce - cs, SecretKinds.Password));
    }
}
