using Agents.Harness;
using RabbitMQ.Client;

namespace Agents.ServiceDefaults.Tests;

/// <summary>
/// The harness's proxy does what the broker-outage tests rely on: it forwards, a cut ends every connection at once and
/// refuses new ones, and after a resume it forwards again on the same port, however many health probes came and went.
/// </summary>
[TestFixture]
public sealed class AmqpProxyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Test]
    public async Task A_cut_refuses_connections_and_after_resume_a_new_connection_publishes_confirmed()
    {
        var servers = await TestServers.GetAsync();
        await using var proxy = AmqpProxy.Start(servers.RabbitHost, servers.RabbitPort);
        var factory = new ConnectionFactory
        {
            HostName = "127.0.0.1", Port = proxy.Port, UserName = servers.RabbitUser, Password = servers.RabbitPassword,
            AutomaticRecoveryEnabled = false,
        };

        // A health probe's connection: opened and closed at once, before and after the outage.
        await ProbeAsync(proxy.Port);
        await PublishConfirmedAsync(factory);
        await using var open = await factory.CreateConnectionAsync().WaitAsync(Patience);
        proxy.Cut();
        // The outage as a client sees it: its connection is gone at once, not silent until a heartbeat misses.
        await Agents.Testing.Eventually.Until(() => Task.FromResult(open.IsOpen), isOpen => !isOpen, TimeSpan.FromSeconds(5), "the open connection closed by the cut");
        await Assert.ThatAsync(async () => await factory.CreateConnectionAsync().WaitAsync(Patience), Throws.InstanceOf<RabbitMQ.Client.Exceptions.BrokerUnreachableException>());
        proxy.Resume();
        await ProbeAsync(proxy.Port);
        await PublishConfirmedAsync(factory);
    }

    private static async Task ProbeAsync(int port)
    {
        for (var n = 0; n < 3; n++)
        {
            using var probe = new System.Net.Sockets.TcpClient();
            await probe.ConnectAsync("127.0.0.1", port);
        }
    }

    private static async Task PublishConfirmedAsync(ConnectionFactory factory)
    {
        // A proxy that stopped accepting leaves the handshake waiting for good: bounded here, so the test fails.
        await using var connection = await factory.CreateConnectionAsync().WaitAsync(Patience);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await channel.BasicPublishAsync("amq.fanout", "", mandatory: false, new BasicProperties(), new byte[] { 1 }, timeout.Token);
    }
}
