using System.Text.RegularExpressions;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// A user name and a password written together, with no word that says so: <c>max.muster / Maple998*</c>,
/// <c>admin:S3cret!</c>. The second half must look like a password; "Windows / Office365" and "10:30" are not pairs
/// because a name with no dot, digit or <c>@</c> needs a password with a symbol, and times have no letters.
/// </summary>
public static partial class CredentialPairs
{
    public static void Find(string text, List<Finding> found)
    {
        if (text.Contains('/', StringComparison.Ordinal))
            foreach (Match m in Slashed().Matches(text))
                Add(text, m, found);
        if (text.Contains(':', StringComparison.Ordinal))
            foreach (Match m in Colon().Matches(text))
                if (!m.Groups["user"].ValueSpan.Contains("://", StringComparison.Ordinal))
                    Add(text, m, found);
    }

    private static void Add(string text, Match m, List<Finding> found)
    {
        var user = m.Groups["user"].ValueSpan;
        var secret = m.Groups["secret"];
        var (cs, ce) = TextTokens.Core(text, secret.Index, secret.Index + secret.Length);
        var value = text.AsSpan(cs, ce - cs);
        if (value.Length < 6 || !SecretShape.LooksLikePassword(value) || SecretShape.IsHex(user) && user.Length <= 4 || value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return;
        var classes = SecretShape.ClassesOf(value);
        var nameLike = user.IndexOfAny(".@_") >= 0 || user.ContainsAnyInRange('0', '9') || !user.ContainsAnyInRange('A', 'Z');
        if (classes.HasFlag(SecretShape.Classes.Symbol) || nameLike && classes.HasFlag(SecretShape.Classes.Digit))
            found.Add(new Finding(cs, ce - cs, SecretKinds.Password));
    }

    // "user / secret", spaces optional; the user is one token of name characters.
    [GeneratedRegex(@"(?<![\w.@/-])(?<user>[\p{L}\p{N}._@+-]{2,64})[ \t]*/[ \t]*(?<secret>[^\s/]{4,64})(?![^\s/]*/)", RegexOptions.ExplicitCapture)]
    private static partial Regex Slashed();

    // "user:secret" with no spaces; not a link (scheme://), not a time (letters are required on the right).
    [GeneratedRegex(@"(?<![\w.@/:-])(?<user>[\p{L}\p{N}._@+-]{2,64}):(?<secret>[^\s:/]{4,64})(?![^\s]*(?:://|:))", RegexOptions.ExplicitCapture)]
    private static partial Regex Colon();
}
