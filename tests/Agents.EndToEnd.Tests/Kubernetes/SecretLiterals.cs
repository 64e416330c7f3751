using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agents.EndToEnd.Tests.Kubernetes;

/// <summary>
/// Secrets written into a manifest instead of read from a Secret: a secret-named setting with a value (an env entry,
/// a ConfigMap key), a password in a connection string, credentials in a URL, a Standard Webhooks key.
/// </summary>
public static partial class SecretLiterals
{
    public static IEnumerable<string> In(Manifest manifest) => Walk(manifest.Body, manifest.ToString());

    private static IEnumerable<string> Walk(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                // An env entry: { name: X, value: Y }.
                if (o["name"] is JsonValue n && o["value"] is JsonValue v && ContainerSettings.IsSecret(n.GetValue<string>())
                    && v.GetValue<string>().Length > 0)
                    yield return $"{path}: {n} has a literal value";
                foreach (var (key, child) in o)
                {
                    if (child is JsonValue value && ContainerSettings.IsSecret(key) && value.GetValue<string>().Length > 0)
                        yield return $"{path}.{key} is a secret written down";
                    foreach (var leak in Walk(child, $"{path}.{key}"))
                        yield return leak;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    foreach (var leak in Walk(a[i], $"{path}[{i}]"))
                        yield return leak;
                break;
            case JsonValue s when LooksSecret().IsMatch(s.GetValue<string>()):
                yield return $"{path}: {s}";
                break;
        }
    }

    /// <summary>Password=… not taken from a variable ($(…)); scheme://user:password@; a whsec_ key.</summary>
    [GeneratedRegex(@"(?i)\b(password|pwd)\s*=\s*(?!\$\(|;|$)|://[^/\s:@]+:[^/\s@]+@|whsec_")]
    private static partial Regex LooksSecret();
}
