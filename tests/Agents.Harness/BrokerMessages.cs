using System.Net.Http.Json;
using System.Text.Json;
using RabbitMQ.Client;

namespace Agents.Harness;

/// <summary>What a virtual host's queues hold at the moment of asking, for any broker a test has (shared or its own).</summary>
public static class BrokerMessages
{
    /// <summary>
    /// The messages now in <paramref name="queues"/> together, asked over AMQP. Unlike the management API's counts,
    /// statistics each queue emits every few seconds (one queue's can be fresh while another's is stale), this is what
    /// the queues hold now.
    /// </summary>
    public static async Task<uint> NowAsync(ConnectionFactory amqp, IEnumerable<string> queues)
    {
        await using var connection = await amqp.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        uint messages = 0;
        foreach (var name in queues)
            messages += (await channel.QueueDeclarePassiveAsync(name)).MessageCount;
        return messages;
    }

    /// <summary>
    /// Messages now in the <c>_error</c> and <c>_skipped</c> queues of <paramref name="virtualHost"/> (their names from
    /// the management API). The services declare their error queues before anything fails, so whether one exists says
    /// nothing; what is in it does.
    /// </summary>
    public static async Task<uint> DeadLetteredAsync(HttpClient management, string virtualHost, ConnectionFactory amqp)
    {
        var queues = await management.GetFromJsonAsync<List<JsonElement>>($"queues/{Uri.EscapeDataString(virtualHost)}") ?? [];
        return await NowAsync(amqp, queues.Select(q => q.GetProperty("name").GetString()!)
            .Where(n => n.EndsWith("_error", StringComparison.Ordinal) || n.EndsWith("_skipped", StringComparison.Ordinal)));
    }
}
