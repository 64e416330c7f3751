using System.Text.Json;

namespace Agents.Writer.Sagas;

/// <summary>The JSON forms of a proposal's changes in the saga table (its hash is <see cref="Agents.Contracts.WriteContent"/>).</summary>
public static class ProposalContent
{
    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    public static IReadOnlyDictionary<string, string> Changes(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Web) ?? [];

    public static IReadOnlyDictionary<string, string?> Before(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string?>>(json, JsonSerializerOptions.Web) ?? [];

    /// <summary>The classifier's verdict kept as JSON, or null when none was recorded.</summary>
    public static Agents.Contracts.Classification? Classification(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Agents.Contracts.Classification>(json, JsonSerializerOptions.Web);

    /// <summary>A proposal kept as JSON (the next generation of a write being applied).</summary>
    public static Agents.Contracts.ProposeWrite Proposal(string json) =>
        JsonSerializer.Deserialize<Agents.Contracts.ProposeWrite>(json, JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException("An empty proposal was kept as a write's next generation.");
}
