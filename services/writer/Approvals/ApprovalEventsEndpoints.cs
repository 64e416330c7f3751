using System.Net.ServerSentEvents;
using Agents.Writer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.Approvals;

/// <summary>
/// How the approval page learns that the queue changed: a server-sent event stream, and the same version as a
/// plain GET for clients that poll. Both carry only counters, never ticket content.
/// </summary>
public static class ApprovalEventsEndpoints
{
    public static RouteGroupBuilder MapApprovalEvents(this RouteGroupBuilder group, ApprovalChangeFeed feed)
    {
        group.MapGet("/events", (CancellationToken ct) =>
            TypedResults.ServerSentEvents(Events(feed, ct)))
            .WithSummary("Server-sent events: \"changed\" with the queue version whenever it changes, \"ping\" while idle.");

        group.MapGet("/changes", async (CancellationToken ct) => Results.Ok(await feed.ReadAsync(ct)))
            .WithSummary("The queue version now, for clients that poll instead of streaming.");
        return group;
    }

    private static async IAsyncEnumerable<SseItem<QueueVersion?>> Events(ApprovalChangeFeed feed,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var version in feed.SubscribeAsync(ct))
            yield return version is null ? new SseItem<QueueVersion?>(null, "ping") : new SseItem<QueueVersion?>(version, "changed");
    }
}
