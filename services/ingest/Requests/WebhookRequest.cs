namespace Agents.Ingest.Requests;

/// <summary>
/// A delivery as it arrived: the exact bytes (signatures are over bytes), the headers (names lower-cased) and the
/// absolute URL the sender called (HubSpot signs it).
/// </summary>
public sealed record WebhookRequest(
    string Source,
    string Method,
    string Url,
    byte[] Body,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset ReceivedAt)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
