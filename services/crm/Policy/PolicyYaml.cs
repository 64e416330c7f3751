using System.Globalization;
using Agents.Contracts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agents.Crm.Policy;

/// <summary>
/// Reads the permissions file strictly: the file is written by hand and reviewed in pull requests, so a typo, a value
/// YAML would read loosely (<c>yes</c>, <c>"true"</c>) or a permission given twice stops the service and names the
/// line, rather than quietly loosening or tightening what the agents may do. Two shapes:
/// <c>agents: {reader: {permissions: …}, writer: {permissions: …}}</c> (the shipped one: reads and writes apart) or one
/// <c>permissions:</c> map (the JSON files of before).
/// </summary>
internal static class PolicyYaml
{
    public const string Reader = "reader";
    public const string Writer = "writer";

    private const string Allowed = "allowed";
    private const string RequiresApproval = "requires_approval";
    private const string AutoApproveMinConfidence = "auto_approve_min_confidence";

    public static AgentPolicy Read(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new PolicyFileException((int)e.Start.Line, Problem(e), e);
        }
        if (stream.Documents.Count != 1)
            throw new PolicyFileException(stream.Documents.Count == 0 ? 1 : (int)stream.Documents[1].RootNode.Start.Line,
                "the file must hold exactly one YAML document");

        var root = Mapping(stream.Documents[0].RootNode, "the file");
        var reads = new Dictionary<string, Permission>(StringComparer.Ordinal);
        var writes = new Dictionary<string, Permission>(StringComparer.Ordinal);
        var sections = Entries(root, "the file", "agents", "permissions");
        if (sections.Count == 0)
            throw new PolicyFileException(Line(root), "the file grants nothing: give agents: (reader, writer) or permissions:");
        if (sections.Count > 1)
            throw new PolicyFileException(Line(sections[1].Key), "give either agents: or permissions:, not both");

        var (section, value) = sections[0];
        if (Name(section) == "permissions")
            Permissions(value, agent: null, reads, writes);
        else
            foreach (var (agent, body) in Entries(Mapping(value, "agents"), "agents", Reader, Writer))
            {
                var entries = Entries(Mapping(body, Name(agent)), Name(agent), "description", "permissions");
                if (entries.FirstOrDefault(e => Name(e.Key) == "description") is { Key: not null } description)
                    Scalar(description.Value, "description");
                if (entries.FirstOrDefault(e => Name(e.Key) == "permissions") is not { Key: not null } permissions)
                    throw new PolicyFileException(Line(agent), $"the {Name(agent)} agent has no permissions:");
                Permissions(permissions.Value, Name(agent), reads, writes);
            }
        return new AgentPolicy(reads, writes, source);
    }

    private static void Permissions(YamlNode node, string? agent, Dictionary<string, Permission> reads, Dictionary<string, Permission> writes)
    {
        foreach (var (key, value) in Mapping(node, "permissions").Children)
        {
            var name = Name(key);
            var isRead = name.StartsWith("read:", StringComparison.Ordinal);
            var known = isRead ? ReadPermissions.All.Contains(name)
                : name.StartsWith("write:", StringComparison.Ordinal) && WriteKinds.All.Contains(name["write:".Length..]);
            if (!known)
                throw new PolicyFileException(Line(key), $"unknown permission '{name}' (known: {string.Join(", ", Known())})");
            if (agent == Reader && !isRead)
                throw new PolicyFileException(Line(key), $"the reader agent is read-only: {name} belongs to the writer agent");
            if (agent == Writer && isRead)
                throw new PolicyFileException(Line(key), $"{name} belongs to the reader agent: the writer agent holds writes only");
            var into = isRead ? reads : writes;
            if (into.TryGetValue(name, out var first))
                throw new PolicyFileException(Line(key), $"{name} is given twice (first on line {first.Line})");
            into[name] = Entry(value, name, isRead, Line(key));
        }
    }

    private static Permission Entry(YamlNode node, string name, bool isRead, int line)
    {
        var allowed = (bool?)null;
        var permission = new Permission { Line = line };
        var fields = isRead ? new[] { Allowed } : [Allowed, RequiresApproval, AutoApproveMinConfidence];
        foreach (var (key, value) in Entries(Mapping(node, name), name, fields))
        {
            switch (Name(key))
            {
                case Allowed:
                    allowed = Bool(value, Allowed);
                    break;
                case RequiresApproval:
                    permission = permission with { RequiresApproval = Bool(value, RequiresApproval) };
                    break;
                default:
                    var text = Scalar(value, AutoApproveMinConfidence);
                    if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var min) || min is < 0 or > 1)
                        throw new PolicyFileException(Line(value), $"{AutoApproveMinConfidence} must be a number from 0 to 1, not '{text}'");
                    permission = permission with { AutoApproveMinConfidence = min };
                    break;
            }
        }
        return allowed is { } a
            ? permission with { Allowed = a }
            : throw new PolicyFileException(line, $"{name} does not say allowed: true or false");
    }

    /// <summary>The entries of a mapping, each key one of <paramref name="allowed"/>.</summary>
    private static List<KeyValuePair<YamlNode, YamlNode>> Entries(YamlMappingNode mapping, string what, params string[] allowed)
    {
        foreach (var key in mapping.Children.Keys)
            if (!allowed.Contains(Name(key), StringComparer.Ordinal))
                throw new PolicyFileException(Line(key), $"unknown key '{Name(key)}' in {what} (allowed: {string.Join(", ", allowed)})");
        return [.. mapping.Children];
    }

    private static YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw new PolicyFileException(Line(node), $"{what} must be a mapping (key: value lines)");

    private static string Name(YamlNode key) =>
        key is YamlScalarNode { Value: { } value } ? value : throw new PolicyFileException(Line(key), "a key must be a plain name");

    private static string Scalar(YamlNode node, string what) =>
        node is YamlScalarNode { Value: { } value } ? value : throw new PolicyFileException(Line(node), $"{what} must be a single value");

    // YAML 1.1 would also read yes/no/on/off and quoted "true": a permissions file says exactly true or false.
    private static bool Bool(YamlNode node, string what) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: "true" or "false" } scalar
            ? scalar.Value == "true"
            : throw new PolicyFileException(Line(node), $"{what} must be true or false, not '{(node as YamlScalarNode)?.Value ?? node.NodeType.ToString()}'");

    private static IEnumerable<string> Known() =>
        ReadPermissions.All.Concat(WriteKinds.All.Select(k => "write:" + k)).Order(StringComparer.Ordinal);

    private static int Line(YamlNode node) => (int)node.Start.Line;

    // "(Line: 3, Col: 3, Idx: 40) - (Line: 3, Col: 9, Idx: 46): Duplicate key write:add-tags": the position is given as the line.
    private static string Problem(YamlException e)
    {
        var message = e.Message;
        var at = message.LastIndexOf("): ", StringComparison.Ordinal);
        var problem = at >= 0 ? message[(at + 3)..] : message;
        return problem.StartsWith("Duplicate key", StringComparison.Ordinal)
            ? $"{problem["Duplicate key".Length..].Trim()} is given twice (a second entry would silently replace the first)"
            : problem;
    }
}
