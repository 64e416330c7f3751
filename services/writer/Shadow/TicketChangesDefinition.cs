using Agents.Contracts;
using MassTransit;

namespace Agents.Writer.Shadow;

/// <summary>
/// The <c>ticket-changes</c> endpoint receives <see cref="TicketFieldsChanged"/> only. Its consumer still reads a
/// <see cref="TicketReceived"/> (one queued before an upgrade), but the endpoint does not bind that type: every ticket
/// would reach the writer again, one broker delivery in five of a ticket's for nothing. The binding an earlier version
/// made is removed before the bus starts (<see cref="RetiredTicketReceivedBinding"/>).
/// </summary>
public sealed class TicketChangesDefinition : ConsumerDefinition<TicketChangesConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TicketChangesConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.ConfigureConsumeTopology = false;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.Bind<TicketFieldsChanged>();
    }

    /// <summary>The message type exchange of <see cref="TicketReceived"/> to this endpoint's exchange, as versions before 2026-12-05 bound it.</summary>
    public static Agents.ServiceDefaults.Queues.RetiredBinding RetiredTicketReceivedBinding(string endpointName) =>
        new("Agents.Contracts:TicketReceived", endpointName);
}
