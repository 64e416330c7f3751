namespace Agents.Ingest.Sources;

public static class SourceLookup
{
    /// <summary>
    /// The source a name means, whatever its case (<c>/webhooks/GitHub</c> is GitHub): the one lookup for live
    /// webhooks and replays, so a row kept under any spelling replays through its source.
    /// </summary>
    public static IWebhookSource? Named(this IEnumerable<IWebhookSource> sources, string name) =>
        sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
