using System.Globalization;
using Agents.Crm.Policy;

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
/// The write agent's part of the permissions file (<c>Writer__PolicyFile</c>, <see cref="AgentPolicy"/>): per write
/// kind, whether it is allowed at all, needs a person's approval, or may be auto-approved (always, or from a
/// classification confidence up). A kind the file does not name is refused: nothing is writable unless someone wrote
/// it down.
/// </summary>
public sealed class WritePolicy
{
    private readonly AgentPolicy _policy;

    private WritePolicy(AgentPolicy policy) => _policy = policy;

    /// <summary>Where the policy was read from (for the startup log).</summary>
    public string Source => _policy.Source;

    public IReadOnlyDictionary<string, Permission> Permissions => _policy.Writes;

    public static WritePolicy Load(string path) => new(AgentPolicy.Load(path));

    public static WritePolicy Parse(string text, string source = "inline") => new(AgentPolicy.Parse(text, source));

    public PolicyDecision Evaluate(string kind, double? confidence)
    {
        var name = "write:" + kind;
        if (!_policy.Writes.TryGetValue(name, out var permission))
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
}
