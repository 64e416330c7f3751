using Agents.Harness;
using MassTransit;

namespace Agents.Writer.Tests;

/// <summary>A bus client of the test's own on the broker, outside every writer process (as the classifier or the API is).</summary>
public static class BusClient
{
    public static async Task<IBusControl> StartAsync(IsolatedBroker broker)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(broker.Servers.RabbitHost, (ushort)broker.Servers.RabbitPort, broker.VirtualHost, h =>
            {
                h.Username(broker.Servers.RabbitUser);
                h.Password(broker.Servers.RabbitPassword);
                h.PublisherConfirmation = true;
            });
        });
        await bus.StartAsync();
        return bus;
    }
}
