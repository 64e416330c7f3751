using System.Text.Json;
using Agents.Harness;
using Agents.Harness.Canaries;

namespace Agents.Testing.Canaries;

/// <summary>
/// <c>../shared/data/canaries/dev.jsonl</c> (200 tickets in five languages, see its MANIFEST.md), read in place: a
/// check of the redactor, never its training data.
/// </summary>
public static class DevCanaries
{
    public const string RelativePath = "canaries/dev.jsonl";

    public static IReadOnlyList<CanaryTicket> Load() =>
        File.ReadLines(SharedDataFile.Require(RelativePath))
            .Where(line => line.Trim().Length > 0)
            .Select(line =>
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                return new CanaryTicket(
                    root.GetProperty("id").GetString()!,
                    root.TryGetProperty("subject", out var s) ? s.GetString() ?? "" : "",
                    root.TryGetProperty("body", out var b) ? b.GetString() ?? "" : "",
                    root.GetProperty("secrets").EnumerateArray().Select(e => e.GetString()!).ToList());
            })
            .ToList();
}
