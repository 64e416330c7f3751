using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agents.Writer.Policy;

/// <summary>What the policy says about one proposal.</summary>
public enum PolicyVerdict
{
    Refused,
    NeedsApproval,
    AutoApproved,
}

public sealed record PolicyDecision(PolicyVerdict Verdict, string Reason);

/// <summary>
/// The permissions file (<c>Writer__PolicyFile</c>): per write kind, whether it is allowed at all, needs a person's
/// approval, or may be auto-approved (always, or from a classification confidence up). A kind the file does not
/// name is refused: nothing is writable unless someone wrote it down.
/// </summary>
public sealed class WritePolicy
{
    private readonly IReadOnlyDictionary<string, Permission> _permissions;

    private WritePolicy(IReadOnlyDictionary<string, Permission> permissions, string source)
    {
        _permissions = permissions;
        Source = source;
    }

    /// <summary>Where the policy was read from (for the startup log).</summary>
    public string Source { get; }

    public IReadOnlyDictionary<string, Permission> Permissions => _permissions;

    public static WritePolicy Load(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"The writer's policy file {path} does not exist (Writer:PolicyFile).");
        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"The writer's policy file {path} is not valid: {e.Message}", e);
        }
    }

    public static WritePolicy Parse(string json, string source = "inline")
    {
        var file = JsonSerializer.Deserialize<PolicyFile>(json, JsonOptions)
            ?? throw new JsonException("The policy file is empty.");
        foreach (var (name, permission) in file.Permissions)
        {
            if (permission.AutoApproveMinConfidence is < 0 or > 1)
                throw new JsonException($"{name}: auto_approve_min_confidence must be between 0 and 1.");
        }
        return new WritePolicy(new Dictionary<string, Permission>(file.Permissions, StringComparer.Ordinal), source);
    }

    public PolicyDecision Evaluate(string kind, double? confidence)
    {
        var name = "write:" + kind;
        if (!_permissions.TryGetValue(name, out var permission))
            return new(PolicyVerdict.Refused, $"{name} is not in the policy");
        if (!permission.Allowed)
            return new(PolicyVerdict.Refused, $"{name} is not allowed by the policy");
        if (!permission.RequiresApproval)
            return new(PolicyVerdict.AutoApproved, $"{name} does not require approval");
        if (permission.AutoApproveMinConfidence is { } min && confidence is { } c && c >= min)
            return new(PolicyVerdict.AutoApproved, string.Create(CultureInfo.InvariantCulture,
                $"{name}: confidence {c:0.###} ≥ {min:0.###}"));
        return new(PolicyVerdict.NeedsApproval, $"{name} requires approval");
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, // a typo must not silently loosen the policy
    };

    private sealed record PolicyFile
    {
        [JsonPropertyName("permissions")]
        public required Dictionary<string, Permission> Permissions { get; init; }
    }
}

/// <summary>One entry of the permissions file.</summary>
public sealed record Permission
{
    [JsonPropertyName("allowed")]
    public bool Allowed { get; init; }

    /// <summary>Absent means true: only an explicit <c>false</c> lets writes through without a person.</summary>
    [JsonPropertyName("requires_approval")]
    public bool RequiresApproval { get; init; } = true;

    [JsonPropertyName("auto_approve_min_confidence")]
    public double? AutoApproveMinConfidence { get; init; }
}
