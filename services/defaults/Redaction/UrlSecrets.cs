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
        if (text.Contains("://", StringComparison.Ordinal))
        {
            foreach (Match m in UserInfo().Matches(text))
            {
                var secret = m.Groups["password"].Success ? m.Groups["password"] : m.Groups["user"];
                // user@host alone is a login name (ftp://anna@files…); only a key-like one is a token.
                if (secret.Length > 0 && (m.Groups["password"].Success || SecretShape.LooksLikeKey(secret.ValueSpan)))
                    found.Add(new Finding(secret.Index, secret.Length, SecretKinds.Password));
            }
        }
        if (text.Contains('=', StringComparison.Ordinal))
        {
            foreach (Match m in Parameter().Matches(text))
            {
                var value = m.Groups["value"];
                found.Add(new Finding(value.Index, value.Length, SecretKinds.Token));
            }
        }
    }

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9+.-]*://(?<user>[^\s:/?#@""'<>]*)(?::(?<password>[^\s/""'<>]+))?@", RegexOptions.ExplicitCapture)]
    private static partial Regex UserInfo();

    // Parameter names that carry a credential in OAuth, signed URLs (AWS, Azure SAS, GCS) and common APIs.
    [GeneratedRegex(@"(?i)[?&#;](?:[a-z0-9_.-]*[_.-])?(?:access_token|refresh_token|id_token|token|api_?key|apikey|key|secret|client_secret|password|passwd|pwd|pass|auth|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|awsaccesskeyid|credential|session_?id|sid|code|otp|ticket|hash)=(?<value>[^\s&#;""'<>]{4,})", RegexOptions.ExplicitCapture)]
    private static partial Regex Parameter();
}
