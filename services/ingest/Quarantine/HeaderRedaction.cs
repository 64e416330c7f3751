namespace Agents.Ingest.Quarantine;

/// <summary>
/// Headers kept with a quarantined body: everything that helps an operator (content type, user agent, vendor
/// event ids) and nothing that authenticates (authorization, cookies, signatures, shared secrets, tokens).
/// </summary>
public static class HeaderRedaction
{
    private static readonly string[] SecretWords = ["authorization", "cookie", "signature", "secret", "token", "password", "api-key", "apikey", "x-api"];
    private const int MaxValueLength = 1024;

    /// <param name="maxTotal">Characters of names and values kept in all; headers past it are left out.</param>
    public static Dictionary<string, string> Safe(IReadOnlyDictionary<string, string> headers, IEnumerable<string> extraSecretHeaders,
        int maxTotal = int.MaxValue)
    {
        var total = 0;
        var extra = extraSecretHeaders.Select(h => h.ToLowerInvariant()).ToHashSet();
        var safe = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var lower = name.ToLowerInvariant();
            if (extra.Contains(lower) || SecretWords.Any(w => lower.Contains(w, StringComparison.Ordinal)))
                continue;
            var kept = value.Length > MaxValueLength ? value[..MaxValueLength] : value;
            total += lower.Length + kept.Length;
            if (total > maxTotal)
                break;
            safe[lower] = kept;
        }
        return safe;
    }
}
