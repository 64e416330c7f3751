using System.Text.RegularExpressions;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// Secrets inside links: the password of <c>scheme://user:password@host</c> (a token alone before the <c>@</c> too),
/// and the values of query or fragment parameters that carry credentials (<c>?token=…</c>, <c>&amp;sig=…</c>,
/// <c>#access_token=…</c>). The rest of the link stays, so the model still sees which page failed.
/// </summary>
public static partial class UrlSecrets
{
    public static void Find(string text, List<Finding> found)
    {
        for (var at = text.IndexOf("://", StringComparison.Ordinal); at >= 0; at = text.IndexOf("://", at + 3, StringComparison.Ordinal))
            UserInfo(text, at + 3, found);
        if (text.Contains('=', StringComparison.Ordinal))
        {
            foreach (Match m in Parameter().Matches(text))
            {
                var value = m.Groups["value"];
                found.Add(new Finding(value.Index, value.Length, SecretKinds.Token));
            }
        }
    }

    /// <summary>
    /// "user:password@" or "token@" right after "://". The password may hold "@", "#" or "?" (pasted unencoded), so
    /// the user information ends at the last "@" before the path.
    /// </summary>
    private static void UserInfo(string text, int start, List<Finding> found)
    {
        var end = start;
        while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not ('/' or '"' or '\'' or '<' or '>'))
            end++;
        var at = text.LastIndexOf('@', end - 1, end - start);
        if (end == start || at < start)
            return;
        var colon = text.IndexOf(':', start, at - start);
        if (colon >= 0)
        {
            if (at - colon > 1)
                found.Add(new Finding(colon + 1, at - colon - 1, SecretKinds.Password));
            return;
        }
        // user@host alone is a login name (ftp://anna@files…); only a key-like one is a token.
        var user = text.AsSpan(start, at - start);
        if (user.IndexOfAny('?', '#') < 0 && SecretShape.LooksLikeKey(user))
            found.Add(new Finding(start, at - start, SecretKinds.Password));
    }

    // Parameter names that carry a credential in OAuth, signed URLs (AWS, Azure SAS, GCS) and common APIs.
    [GeneratedRegex(@"(?i)[?&#;](?:[a-z0-9_.-]*[_.-])?(?:access_token|refresh_token|id_token|token|api_?key|apikey|key|secret|client_secret|password|passwd|pwd|pass|auth|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|awsaccesskeyid|credential|session_?id|sid|code|otp|ticket|hash)=(?<value>[^\s&#;""'<>]{4,})", RegexOptions.ExplicitCapture)]
    private static partial Regex Parameter();
}
