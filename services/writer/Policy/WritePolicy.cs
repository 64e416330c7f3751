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

    /// <summary>Recorded and compared with what people do, never shown for approval, never applied.</summary>
    Shadowed,
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
            if (permission.ModeText is { } mode)
            {
                try { WriteModes.Parse(mode); }
                catch (FormatException e) { throw new JsonException($"{name}: {e.Message}.", e); }
                if (permission.RequiresApprovalText is not null)
                    throw new JsonException($"{name}: give mode or requires_approval, not both.");
            }
        }
        return new WritePolicy(new Dictionary<string, Permission>(file.Permissions, StringComparer.Ordinal), source);
    }

    /// <summary>The mode of a kind the policy allows; null when it refuses the kind.</summary>
    public WriteMode? ModeOf(string kind) =>
        _permissions.TryGetValue("write:" + kind, out var permission) && permission.Allowed ? permission.Mode : null;

    public PolicyDecision Evaluate(string kind, double? confidence)
    {
        var name = "write:" + kind;
        if (!_permissions.TryGetValue(name, out var permission))
            return new(PolicyVerdict.Refused, $"{name} is not in the policy");
        if (!permission.Allowed)
            return new(PolicyVerdict.Refused, $"{name} is not allowed by the policy");
        var mode = permission.Mode;
        if (mode == WriteMode.Shadow)
            return new(PolicyVerdict.Shadowed, $"{name} is in shadow mode");
        // The older spelling (requires_approval: false) ignored the floor: it keeps that meaning.
        if (mode == WriteMode.Auto && (permission.AutoApproveMinConfidence is null || permission.ModeText is null))
            return new(PolicyVerdict.AutoApproved, $"{name} does not require approval");
        if (permission.AutoApproveMinConfidence is { } min && confidence is { } c && c >= min)
            return new(PolicyVerdict.AutoApproved, string.Create(CultureInfo.InvariantCulture,
                $"{name}: confidence {c:0.###} ≥ {min:0.###}"));
        // A kind graduated from shadow to auto from a floor keeps being measured below it, as before: nobody is
        // asked to approve what the agent was never trusted with, and nothing below the floor is written.
        if (mode == WriteMode.Auto)
            return new(PolicyVerdict.Shadowed, string.Create(CultureInfo.InvariantCulture,
                $"{name}: confidence {confidence?.ToString("0.###", CultureInfo.InvariantCulture) ?? "unknown"} below the auto floor {permission.AutoApproveMinConfidence:0.###}: in shadow"));
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

    /// <summary>
    /// The older spelling of the mode: false is <c>auto</c>, true is <c>approve</c>. Only an explicit <c>false</c>
    /// lets writes through without a person.
    /// </summary>
    [JsonPropertyName("requires_approval")]
    public bool? RequiresApprovalText { get; init; }

    /// <summary><c>shadow</c>, <c>approve</c> or <c>auto</c> (<see cref="WriteMode"/>).</summary>
    [JsonPropertyName("mode")]
    public string? ModeText { get; init; }

    /// <summary>
    /// The kind's mode. A kind written down with neither <c>mode</c> nor <c>requires_approval</c> starts in shadow: a
    /// new write kind earns its trust on live traffic before it may write.
    /// </summary>
    [JsonIgnore]
    public WriteMode Mode => ModeText is { } text ? WriteModes.Parse(text)
        : RequiresApprovalText switch { false => WriteMode.Auto, true => WriteMode.Approve, null => WriteMode.Shadow };

    [JsonIgnore]
    public bool RequiresApproval => Mode != WriteMode.Auto;

    [JsonPropertyName("auto_approve_min_confidence")]
    public double? AutoApproveMinConfidence { get; init; }
}
