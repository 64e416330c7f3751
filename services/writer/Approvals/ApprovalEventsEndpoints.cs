using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Agents.Writer.Approvals;

/// <summary>
/// How the approval page learns that the queue changed: a server-sent event stream, and the same version as a
/// plain GET for clients that poll. Both carry only counters, never ticket content (routes: <see cref="WriterApi"/>).
/// </summary>
public static class ApprovalEventsEndpoints
{
    /// <summary>GET /approvals/events: "changed" with the queue version whenever it changes, "ping" while idle.</summary>
    public static ServerSentEventsResult<QueueVersion?> Stream(ApprovalChangeFeed feed, CancellationToken ct) =>
        TypedResults.ServerSentEvents(Events(feed, ct));

    /// <summary>GET /approvals/changes: the queue version now.</summary>
    public static async Task<Ok<QueueVersion>> NowAsync(ApprovalChangeFeed feed, CancellationToken ct) =>
        TypedResults.Ok(await feed.ReadAsync(ct));

    private static async IAsyncEnumerable<SseItem<QueueVersion?>> Events(ApprovalChangeFeed feed,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var version in feed.SubscribeAsync(ct))
            yield return version is null ? new SseItem<QueueVersion?>(null, "ping") : new SseItem<QueueVersion?>(version, "changed");
    }
}
