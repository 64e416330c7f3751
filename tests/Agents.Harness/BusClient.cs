using MassTransit;

namespace Agents.Harness;

/// <summary>
/// A bus of the test's own on an isolated virtual host, with no consumers, outside every service (as another service or
/// the API is): publishes with confirms.
/// </summary>
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
