using System.Net;
using System.Net.Sockets;
using Agents.Harness;
using Agents.Testing;

namespace Agents.ServiceDefaults.Tests;

/// <summary>
/// <c>RabbitMq:Host</c> names one broker or a cluster's nodes; a service reaches the broker through whichever node
/// answers, and a malformed list stops it at start instead of quietly leaving a node out.
/// </summary>
[TestFixture]
public class BrokerNodesTests
{
    [Test]
    public void One_host_is_one_node_on_the_configured_port() =>
        Assert.That(new RabbitMqOptions { Host = "rabbitmq", Port = 5673 }.Nodes, Is.EqualTo(new[] { new BrokerNode("rabbitmq", 5673) }));

    [Test]
    public void A_cluster_is_its_nodes_in_order_each_with_its_own_port_or_the_configured_one()
    {
        var options = new RabbitMqOptions { Host = "rabbit-1, rabbit-2:5673 ,10.0.0.7", Port = 5672 };
        Assert.That(options.Nodes, Is.EqualTo(new[]
        {
            new BrokerNode("rabbit-1", 5672), new BrokerNode("rabbit-2", 5673), new BrokerNode("10.0.0.7", 5672),
        }));
    }

    [TestCase("", "an empty host name")]
    [TestCase("rabbit-1,,rabbit-3", "an empty host name")]
    [TestCase("rabbit-1,", "an empty host name")]
    [TestCase("rabbit-1:amqp", "host:port")]
    [TestCase("rabbit-1:0", "host:port")]
    [TestCase("rabbit-1:70000", "host:port")]
    [TestCase(":5672", "host:port")]
    [TestCase("::1", "IPv6")]
    public void A_malformed_list_is_refused_naming_the_setting(string hosts, string why)
    {
        var e = Assert.Throws<FormatException>(() => _ = new RabbitMqOptions { Host = hosts }.Nodes);
        Assert.That(e!.Message, Does.Contain("RabbitMq:Host").And.Contain(why));
    }

    /// <summary>
    /// The first node listed is down (nothing listens on its port): the service prepares its queues, starts its
    /// endpoint and handles a message through the next one, as it would with a cluster member lost.
    /// </summary>
    [Test]
    public async Task With_the_first_node_down_a_service_works_through_the_next()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        var record = new ProbeRecord();
        var hosts = $"127.0.0.1:{ClosedPort()},{broker.Servers.RabbitHost}:{broker.Servers.RabbitPort}";
        await using var host = await BusHost.StartAsync(broker, record, new Dictionary<string, string?> { ["RabbitMq:Host"] = hosts });
        await host.PublishAsync(new Probe { Name = "through-the-second-node", Behaviour = "ok" });
        await Eventually.Until(() => Task.FromResult(record.Of("through-the-second-node").Count), n => n == 1,
            TimeSpan.FromSeconds(30), "the message handled");
        Assert.That((await broker.QueuesAsync()).Single(q => q.Name == BusHost.Queue).Type, Is.EqualTo("quorum"),
            "the queues were prepared through the second node too");
    }

    /// <summary>A port nothing listens on: bound once by us, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
