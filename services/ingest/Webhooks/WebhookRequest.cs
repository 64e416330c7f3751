namespace Agents.Ingest.Webhooks;

/// <summary>A delivery as it arrived: the exact bytes (signatures are over bytes) and the headers.</summary>
public sealed record WebhookRequest(
    string Source,
    string Method,
    string PathAndQuery,
    byte[] Body,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset ReceivedAt)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
