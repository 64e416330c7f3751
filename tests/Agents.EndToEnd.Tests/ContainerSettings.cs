using System.Text.Json;
using System.Text.RegularExpressions;
using Agents.Harness;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// The settings a service must be given when it runs in a container (docker-compose.yml, the Kubernetes manifests),
/// as environment variable names: from its appsettings.json, every key whose default points at this machine, every
/// connection string and every secret; plus the secrets it cannot work without.
/// </summary>
public static partial class ContainerSettings
{
    public static IReadOnlyList<string> Services { get; } = ["ingest", "classifier", "writer"];

    public static IEnumerable<string> Required(string service)
    {
        var path = Path.Combine(RepositoryPaths.Root, "services", service, "appsettings.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var keys = Flatten(json.RootElement, "")
            .Where(kv => PointsAtThisMachine(kv.Value)
                || kv.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
                || IsSecret(kv.Key))
            .Select(kv => kv.Key)
            .ToList();
        keys.AddRange(service switch
        {
            "ingest" => ["Ingest__Sources__generic__Secret"],
            "writer" => ["Approvers__0__Name", "Approvers__0__Token"],
            _ => [],
        });
        return keys.Distinct();
    }

    /// <summary>A value that, in a container, would point the container at itself.</summary>
    public static bool PointsAtThisMachine(string value) =>
        value.Contains("localhost", StringComparison.Ordinal) || value.Contains("127.0.0.1", StringComparison.Ordinal);

    /// <summary>A setting whose value is a secret, by its name (<c>…Secret</c>, <c>…Token</c>, <c>…Password</c>, <c>…ApiKey</c>).</summary>
    public static bool IsSecret(string name) => SecretKey().IsMatch(name);

    private static IEnumerable<KeyValuePair<string, string>> Flatten(JsonElement element, string prefix)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                    foreach (var kv in Flatten(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}__{p.Name}"))
                        yield return kv;
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                    foreach (var kv in Flatten(item, $"{prefix}__{i++}"))
                        yield return kv;
                break;
            default:
                yield return new(prefix, element.ToString());
                break;
        }
    }

    [GeneratedRegex("(Secret|Token|Password|ApiKey)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretKey();
}
