using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agents.EndToEnd.Tests.Kubernetes;

/// <summary>
/// A container's environment as Kubernetes builds it: <c>envFrom</c> first, then <c>env</c> in order (a later entry
/// wins), <c>valueFrom</c> read from the ConfigMaps and Secrets, and <c>$(NAME)</c> replaced by a variable defined
/// before it (<c>$$</c> escapes). What Kubernetes would not find, or would pass on unexpanded, is a problem.
/// </summary>
public sealed partial class ContainerEnvironment
{
    /// <summary>
    /// A Secret's value for a key: the rendered Secret's, or what the caller stands in for an external one; null when
    /// the Secret or the key does not exist.
    /// </summary>
    public delegate string? SecretLookup(string secret, string key);

    private ContainerEnvironment(IReadOnlyDictionary<string, string> variables, IReadOnlyList<string> problems)
    {
        Variables = variables;
        Problems = problems;
    }

    public IReadOnlyDictionary<string, string> Variables { get; }
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The secret references of a container: (variable, Secret, key).</summary>
    public static IEnumerable<(string Variable, string Secret, string Key)> SecretReferences(JsonObject container) =>
        Manifest.Items(container["env"])
            .Where(e => e["valueFrom"]?["secretKeyRef"] is not null)
            .Select(e => (e["name"]!.GetValue<string>(),
                e["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>(),
                e["valueFrom"]!["secretKeyRef"]!["key"]!.GetValue<string>()));

    public static ContainerEnvironment Resolve(JsonObject container, RenderedOverlay overlay, SecretLookup secrets)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();

        foreach (var source in Manifest.Items(container["envFrom"]))
        {
            if (source["configMapRef"]?["name"]?.GetValue<string>() is { } map)
            {
                if (overlay.ConfigMapData(map) is { } data)
                    foreach (var (key, value) in data)
                        variables[key] = value;
                else
                    problems.Add($"envFrom: no ConfigMap {map}");
            }
            else
            {
                problems.Add($"envFrom: only configMapRef is checked here, found {source.ToJsonString()}");
            }
        }

        foreach (var entry in Manifest.Items(container["env"]))
        {
            var name = entry["name"]!.GetValue<string>();
            if (entry["value"] is { } literal)
            {
                variables[name] = Expand(literal.GetValue<string>(), variables, name, problems);
            }
            else if (entry["valueFrom"]?["secretKeyRef"] is JsonObject secretRef)
            {
                var (secret, key) = (secretRef["name"]!.GetValue<string>(), secretRef["key"]!.GetValue<string>());
                if (secrets(secret, key) is { } value)
                    variables[name] = value;
                else
                    problems.Add($"{name}: Secret {secret} has no key {key}");
            }
            else if (entry["valueFrom"]?["configMapKeyRef"] is JsonObject mapRef)
            {
                var (map, key) = (mapRef["name"]!.GetValue<string>(), mapRef["key"]!.GetValue<string>());
                if (overlay.ConfigMapData(map)?.GetValueOrDefault(key) is { } value)
                    variables[name] = value;
                else
                    problems.Add($"{name}: ConfigMap {map} has no key {key}");
            }
            else
            {
                problems.Add($"{name}: neither a value nor a Secret or ConfigMap key");
            }
        }
        return new ContainerEnvironment(variables, problems);
    }

    private static string Expand(string value, Dictionary<string, string> defined, string name, List<string> problems) =>
        Reference().Replace(value, m =>
        {
            if (m.Value == "$$")
                return "$";
            var variable = m.Groups[1].Value;
            if (defined.TryGetValue(variable, out var replacement))
                return replacement;
            problems.Add($"{name}: $({variable}) is not defined before it, so Kubernetes passes it on as written");
            return m.Value;
        });

    [GeneratedRegex(@"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")]
    private static partial Regex Reference();
}
