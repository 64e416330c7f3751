using System.Text.Json.Nodes;

namespace Agents.EndToEnd.Tests.Kubernetes;

/// <summary>One object of a rendered overlay (a Deployment, a ScaledObject …), its YAML as JSON nodes.</summary>
public sealed record Manifest(string Kind, string Name, string? Namespace, JsonObject Body)
{
    public JsonNode? Spec => Body["spec"];

    public IReadOnlyDictionary<string, string> Labels => Strings(Body["metadata"]?["labels"]);

    public override string ToString() => $"{Kind} {Name}";

    /// <summary>A YAML mapping of strings (labels, selectors, ConfigMap data) as a dictionary; empty when absent.</summary>
    public static IReadOnlyDictionary<string, string> Strings(JsonNode? mapping) =>
        mapping is JsonObject o
            ? o.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "")
            : new Dictionary<string, string>();

    /// <summary>The items of a YAML sequence; empty when absent.</summary>
    public static IEnumerable<JsonObject> Items(JsonNode? sequence) =>
        sequence is JsonArray a ? a.OfType<JsonObject>() : [];
}
