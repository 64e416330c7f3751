using System.Text.Json;
using Agents.Cli.Api;

namespace Agents.Cli.Approvals;

/// <summary>
/// A write's version as a person names it on the command line: the start of its content hash (the writer's
/// <c>contentHash</c>), long enough to tell versions apart. The writer checks the full hash again when the decision
/// arrives, so a version that changes between this lookup and the decision is still refused there.
/// </summary>
public static class WriteVersion
{
    /// <summary>Fewer characters than this could name two versions by chance.</summary>
    public const int MinimumLength = 8;

    private const int ShownLength = 12;

    public sealed record Resolution(string? ContentHash, string? Problem);

    /// <summary>How <c>list</c> prints a version: enough of the hash to be named back in a decision.</summary>
    public static string Shown(string contentHash) => contentHash.Length > ShownLength ? contentHash[..ShownLength] : contentHash;

    /// <summary>The full hash of the write's current version when it is the one <paramref name="reviewed"/> names.</summary>
    public static async Task<Resolution> ResolveAsync(ServiceApi api, Guid write, string reviewed, CancellationToken cancellationToken)
    {
        reviewed = reviewed.Trim();
        if (reviewed.Length < MinimumLength)
            return new(null, $"--version needs at least {MinimumLength} characters of the version (agents approvals show {write}).");
        var answer = await api.GetAsync($"approvals/{write}", cancellationToken);
        if (!answer.Succeeded)
            return new(null, $"writer answered {answer.Status}: {answer.Problem}");
        var current = answer.Json is { } json && json.TryGetProperty("write", out var w) && w.TryGetProperty("contentHash", out var hash)
            && hash.ValueKind == JsonValueKind.String ? hash.GetString()! : "";
        return current.StartsWith(reviewed, StringComparison.OrdinalIgnoreCase)
            ? new(current, null)
            : new(null, $"You reviewed version {reviewed}; the write is now version {Shown(current)}. Nothing was sent: " +
                $"review it again (agents approvals show {write}) and decide on what you saw.");
    }
}
