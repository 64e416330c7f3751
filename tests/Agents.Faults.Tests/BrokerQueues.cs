using System.Net.Http.Json;
using System.Text.Json;
using Agents.Harness;

namespace Agents.Faults.Tests;

/// <summary>
/// One queue of the fixture's broker as the management API reports it (its figures lag up to ~5 s):
/// messages in it now, and <paramref name="Activity"/>, the messages ever published to it plus those delivered from
/// it (unchanged between two readings = nothing passed through in between, however quickly). In a cluster:
/// <paramref name="Leader"/>, the node that leads it (a quorum queue) or holds it (a classic one), and for a quorum
/// queue its <paramref name="Members"/> and how many of them are <paramref name="Online"/>.
/// </summary>
public sealed record QueueDepth(string Name, int Ready, int Unacknowledged, long Activity = 0, string? Leader = null,
    int Members = 0, int Online = 0)
{
    public int Messages => Ready + Unacknowledged;

    /// <summary>A quorum queue with a member offline (its node down, or back and not yet caught up).</summary>
    public bool MissingMembers => Online < Members;

    /// <summary>Where MassTransit puts what it gave up on (<c>_error</c>) or what no consumer took (<c>_skipped</c>).</summary>
    public bool IsDeadLetter => Name.EndsWith("_error", StringComparison.Ordinal) || Name.EndsWith("_skipped", StringComparison.Ordinal);
}

/// <summary>A message found in a dead-letter queue, with the ticket it concerns and why MassTransit put it there.</summary>
public sealed record DeadLetter(string Queue, string? Ticket, string? MessageType, string? Reason)
{
    public override string ToString() => $"{Queue}: {MessageType} — {Reason}";
}

/// <summary>
/// The fixture broker's queues through the management API (on the AMQP port + 10000): how deep each is, so a scenario
/// can wait until the system is quiet rather than stop at the first moment its books look right, and what sits in
/// the dead-letter queues, so a failure names the messages that were given up on. A cluster's API answers on every
/// node for all of them: asked on the first node that answers, so a node down does not blind the test.
/// </summary>
public sealed class BrokerQueues(IReadOnlyList<int> managementPorts) : IDisposable
{
    private readonly HttpClient[] _nodes = managementPorts.Select(ThrowawayBroker.ManagementClient).ToArray();
    private int _answering;

    /// <summary>The queues now, or null while the broker (or its management plugin) does not answer.</summary>
    public async Task<IReadOnlyList<QueueDepth>?> TryDepthsAsync()
    {
        try
        {
            return await DepthsAsync();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary><see cref="DeadLettersAsync"/>, or one entry saying why they could not be read.</summary>
    public async Task<IReadOnlyList<DeadLetter>> TryDeadLettersAsync()
    {
        try
        {
            return await DeadLettersAsync();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return [new DeadLetter("(management API)", null, null, "dead-letter queues could not be read: " + e.Message)];
        }
    }

    public async Task<IReadOnlyList<QueueDepth>> DepthsAsync()
    {
        using var response = await SendAsync(http => http.GetAsync("queues/%2F"));
        var queues = await response.Content.ReadFromJsonAsync<JsonElement>();
        return queues.EnumerateArray().Select(q =>
        {
            var stats = q.TryGetProperty("message_stats", out var s) ? s : default;
            return new QueueDepth(q.GetProperty("name").GetString()!, Number(q, "messages_ready"), Number(q, "messages_unacknowledged"),
                Number(stats, "publish") + Number(stats, "deliver_get") + Number(stats, "redeliver"),
                Text(q, "leader") ?? Text(q, "node"), Count(q, "members"), Count(q, "online"));
        }).ToList();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Count(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : 0;

    /// <summary>The request on the node that answered last, else on the next ones in turn; the last failure if none answers.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpClient, Task<HttpResponseMessage>> request)
    {
        var first = Volatile.Read(ref _answering);
        for (var i = 0; ; i++)
        {
            var node = (first + i) % _nodes.Length;
            try
            {
                var response = await request(_nodes[node]);
                if (!response.IsSuccessStatusCode)
                {
                    response.Dispose();
                    throw new HttpRequestException($"management API on node {node}: {(int)response.StatusCode}", null, response.StatusCode);
                }
                Volatile.Write(ref _answering, node);
                return response;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && i < _nodes.Length - 1)
            {
                // that node is down (or its API still starting): the next one
            }
        }
    }

    private static int Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? (int)Math.Min(int.MaxValue, value.GetInt64())
            : 0;

    /// <summary>
    /// Up to <paramref name="limit"/> messages of every non-empty dead-letter queue, looked at and put back (the
    /// management API's <c>ack_requeue_true</c>), with the ticket each names (<c>externalId</c>, or the ticket part of
    /// <c>idempotencyKey</c>).
    /// </summary>
    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(int limit = 500)
    {
        var letters = new List<DeadLetter>();
        foreach (var queue in (await DepthsAsync()).Where(q => q.IsDeadLetter && q.Messages > 0))
        {
            using var response = await SendAsync(http => http.PostAsJsonAsync($"queues/%2F/{Uri.EscapeDataString(queue.Name)}/get",
                new { count = limit, ackmode = "ack_requeue_true", encoding = "auto", truncate = 100_000 }));
            foreach (var message in (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray())
                letters.Add(Parse(queue.Name, message));
        }
        return letters;
    }

    private static DeadLetter Parse(string queue, JsonElement message)
    {
        var headers = message.TryGetProperty("properties", out var p) && p.TryGetProperty("headers", out var h) ? h : default;
        var reason = Header(headers, "MT-Fault-Message") ?? Header(headers, "MT-Reason");
        string? ticket = null, type = null;
        try
        {
            using var envelope = JsonDocument.Parse(message.GetProperty("payload").GetString() ?? "{}");
            var root = envelope.RootElement;
            type = root.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array
                ? types.EnumerateArray().FirstOrDefault().GetString()
                : null;
            if (root.TryGetProperty("message", out var body))
            {
                if (body.TryGetProperty("externalId", out var id) && id.ValueKind == JsonValueKind.String)
                    ticket = id.GetString();
                else if (body.TryGetProperty("idempotencyKey", out var key) && key.ValueKind == JsonValueKind.String)
                    ticket = WriteLedger.TicketOf(key.GetString()!);
            }
        }
        catch (JsonException e)
        {
            reason = $"{reason} (payload not JSON: {e.Message})";
        }
        return new DeadLetter(queue, ticket, type, reason);
    }

    private static string? Header(JsonElement headers, string name) =>
        headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(name, out var value) ? value.ToString() : null;

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.Dispose();
    }
}
