using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agents.Contracts;

namespace Agents.Writer.Sagas;

/// <summary>What counts as "the same proposal" for duplicate suppression, and its JSON forms.</summary>
public static class ProposalContent
{
    public static string Hash(ProposeWrite message)
    {
        var canonical = new StringBuilder()
            .Append(message.Kind).Append('\n')
            .Append(message.RecordCount).Append('\n');
        foreach (var (field, value) in message.Changes.OrderBy(c => c.Key, StringComparer.Ordinal))
            canonical.Append(field).Append('=').Append(value).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    public static IReadOnlyDictionary<string, string> Changes(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Web) ?? [];
}
