using Agents.Contracts;
using Agents.ServiceDefaults.Queues;
using Agents.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// The shadow mode's <c>ticket-changes</c> endpoint receives the changes ingest publishes apart
/// (<see cref="TicketFieldsChanged"/>), not every ticket: before, each TicketReceived was delivered to it as well as to
/// the classifier, one broker delivery in five of a ticket's, though only update events with changes concern it. An
/// upgrade removes the binding the earlier version made, and a TicketReceived queued before it is still read.
/// </summary>
[TestFixture]
public class TicketChangesTopologyTests : WriterFixture
{
    private const string Endpoint = "ticket-changes";
    private const string TicketReceivedExchange = "Agents.Contracts:TicketReceived";

    [Test]
    public async Task Tickets_reach_the_shadow_endpoint_only_as_their_field_changes()
    {
        _host = await WriterTestHost.StartAsync(Policies.Shipped);
        var bus = _host.Writer.Services.GetRequiredService<IBus>();
        // Both message type exchanges exist once something was published to them.
        await bus.Publish(Ticket("T-PLAIN", "d-plain", changes: false));
        await bus.Publish(TicketFieldsChanged.Of(Ticket("T-CHANGED", "d-changed", changes: true))!);

        await Eventually.Until(() => _host.CountAsync("FROM ticket_changes WHERE \"DeliveryId\" = 'd-changed'"), n => n == 1,
            TimeSpan.FromSeconds(20), "the published change kept");
        var fromTickets = await DestinationsAsync(TicketReceivedExchange);
        var fromChanges = await DestinationsAsync("Agents.Contracts:TicketFieldsChanged");
        Assert.Multiple(() =>
        {
            Assert.That(fromTickets, Does.Not.Contain(Endpoint), "every TicketReceived would be delivered to the writer too");
            Assert.That(fromChanges, Does.Contain(Endpoint));
        });
    }

    [Test]
    public async Task An_upgrade_removes_the_earlier_binding_and_still_reads_a_ticket_queued_through_it()
    {
        _host = await WriterTestHost.StartAsync(Policies.Shipped);
        var bus = _host.Writer.Services.GetRequiredService<IBus>();
        await bus.Publish(Ticket("T-PLAIN", "d-plain", changes: false));
        // The binding as the version before made it (MassTransit binds a message type's exchange to the endpoint's):
        // an instance of that version still running during a rolling upgrade may add it again.
        var factory = _host.Broker.ConnectionFactory();
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
            await channel.ExchangeBindAsync(Endpoint, TicketReceivedExchange, "");
        Assert.That(await DestinationsAsync(TicketReceivedExchange), Does.Contain(Endpoint), "the earlier binding in place");

        // A ticket with changes that travelled the earlier way: read, not moved to _skipped.
        await bus.Publish(Ticket("T-OLD", "d-old", changes: true));
        await Eventually.Until(() => _host.CountAsync("FROM ticket_changes WHERE \"DeliveryId\" = 'd-old'"), n => n == 1,
            TimeSpan.FromSeconds(20), "the change of a TicketReceived queued the earlier way kept");
        Assert.That(await _host.Broker.DeadLetteredAsync(), Is.EqualTo(0), "nothing in _error or _skipped");

        // What a writer does before its bus starts, as after a restart.
        var preparation = _host.Writer.Services.GetRequiredService<QueuePreparation>();
        await preparation.PrepareAsync(_host.Writer.Services.GetRequiredService<EndpointQueues>().Names, CancellationToken.None);
        Assert.That(await DestinationsAsync(TicketReceivedExchange), Does.Not.Contain(Endpoint), "the earlier binding removed");
        // Again: removing a binding that is gone is no error.
        await preparation.PrepareAsync(_host.Writer.Services.GetRequiredService<EndpointQueues>().Names, CancellationToken.None);
    }

    private async Task<List<string>> DestinationsAsync(string exchange) =>
        (await _host!.Broker.BindingsFromAsync(exchange)).Select(b => b.GetProperty("destination").GetString()!).ToList();

    private static TicketReceived Ticket(string id, string delivery, bool changes) => new()
    {
        Source = "zendesk",
        ExternalId = id,
        EventKind = changes ? "ticket.priority_changed" : "ticket.created",
        DeliveryId = delivery,
        Subject = "Printer on fire",
        ReceivedAt = DateTimeOffset.UtcNow,
        Changes = changes ? [new FieldChange { Field = TicketFields.Priority, To = "urgent" }] : [],
        ChangedBy = changes ? "agent-7" : null,
    };
}
