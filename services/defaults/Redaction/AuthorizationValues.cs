using System.Text.RegularExpressions;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// The credential after an HTTP authentication scheme, as people paste request headers: <c>Bearer …</c>,
/// <c>Basic …</c>, <c>Token …</c>, <c>Digest …</c>. "Bearer token" and "basic authentication" are prose, not values.
/// </summary>
public static partial class AuthorizationValues
{
    public static void Find(string text, List<Finding> found)
    {
        foreach (Match m in Scheme().Matches(text))
        {
            var value = m.Groups["value"];
            if (value.ValueSpan.ContainsAnyInRange('0', '9') || value.Length >= 20)
                found.Add(new Finding(value.Index, value.Length, SecretKinds.Bearer));
        }
    }

    [GeneratedRegex(@"(?i)\b(?:bearer|basic|token|digest|apikey|api-key)[ \t]+(?<value>[A-Za-z0-9\-._~+/]{8,}=*)", RegexOptions.ExplicitCapture)]
    private static partial Regex Scheme();
}
