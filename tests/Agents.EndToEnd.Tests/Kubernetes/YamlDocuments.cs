using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Agents.EndToEnd.Tests.Kubernetes;

/// <summary>
/// kubectl's multi-document YAML as JSON nodes, which the tests navigate. Every scalar stays a string (as YAML
/// wrote it: "8080", "true"), so a check compares what the manifest says, not a guess at its type.
/// </summary>
public static class YamlDocuments
{
    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonObject>().ToList();
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
        _ => null,
    };
}
