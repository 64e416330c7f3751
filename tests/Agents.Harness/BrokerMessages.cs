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
    public static async Task<uint> NowAsync(ConnectionFactory amqp, IEnumerable<string> queues) =>
        (uint)(await DeclaredAsync(amqp, queues)).Sum(q => q.MessageCount);

    /// <summary>
    /// Each queue of <paramref name="virtualHost"/> now (names from the management API, figures over AMQP, as
    /// <see cref="NowAsync"/>): its messages ready for delivery and its consumers.
    /// </summary>
    public static async Task<IReadOnlyList<(string Name, uint Ready, uint Consumers)>> QueuesNowAsync(HttpClient management, string virtualHost,
        ConnectionFactory amqp) =>
        (await DeclaredAsync(amqp, await NamesAsync(management, virtualHost))).Select(q => (q.QueueName, q.MessageCount, q.ConsumerCount)).ToList();

    /// <summary>
    /// Messages now in the <c>_error</c> and <c>_skipped</c> queues of <paramref name="virtualHost"/> (their names from
    /// the management API). The services declare their error queues before anything fails, so whether one exists says
    /// nothing; what is in it does.
    /// </summary>
    public static async Task<uint> DeadLetteredAsync(HttpClient management, string virtualHost, ConnectionFactory amqp) =>
        await NowAsync(amqp, (await NamesAsync(management, virtualHost))
            .Where(n => n.EndsWith("_error", StringComparison.Ordinal) || n.EndsWith("_skipped", StringComparison.Ordinal)));

    private static async Task<IEnumerable<string>> NamesAsync(HttpClient management, string virtualHost) =>
        (await management.GetFromJsonAsync<List<JsonElement>>($"queues/{Uri.EscapeDataString(virtualHost)}") ?? [])
        .Select(q => q.GetProperty("name").GetString()!);

    private static async Task<List<QueueDeclareOk>> DeclaredAsync(ConnectionFactory amqp, IEnumerable<string> queues)
    {
        await using var connection = await amqp.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var declared = new List<QueueDeclareOk>();
        foreach (var name in queues)
            declared.Add(await channel.QueueDeclarePassiveAsync(name));
        return declared;
    }
}
