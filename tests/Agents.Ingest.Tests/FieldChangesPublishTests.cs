using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// An update event that carries field changes is published twice, confirmed together before the answer: the
/// TicketReceived the classifier reads, and its changes (<see cref="TicketFieldsChanged"/>) for the writer's shadow
/// report. An event without changes publishes no changes message, so the writer is not handed every ticket.
/// </summary>
[TestFixture]
public class FieldChangesPublishTests : SharedIngestFixture
{
    [Test]
    public async Task Field_changes_are_published_beside_their_ticket_and_only_when_there_are_some()
    {
        await using var changes = await BusProbe.StartAsync(_host.Broker, typeof(TicketFieldsChanged));
        var ticket = $"FC{Random.Shared.Next(100_000, 999_999)}";
        var changed = await _host.SendAsync("zendesk", Event(ticket, "ticket.priority_changed", """{"current":"HIGH","previous":"LOW"}"""));
        var created = await _host.SendAsync("zendesk", Event(ticket, "ticket.comment_added", """{"comment":{"id":"1","body":"any news?","is_public":true}}"""));

        Assert.That(changed.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Accepted));
        Assert.That(created.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Accepted));
        await Eventually.Until(() => Task.FromResult(_host.Published(ticket)), n => n == 2, TimeSpan.FromSeconds(10), "both tickets published");
        await Eventually.Until(() => Task.FromResult(changes.Count), n => n >= 1, TimeSpan.FromSeconds(10), "the changes published");
        await Task.Delay(500); // a second changes message, which must not come, would have come by now
        var published = changes.Bodies.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(published, Has.Count.EqualTo(1), "one changes message, for the event with changes only");
            Assert.That(published[0], Does.Contain(ticket).And.Contain("\"priority\"").And.Contain("\"high\"").And.Contain("900001"));
        });
    }

    private static string Event(string ticket, string type, string evt) => $$"""
        {"type":"zen:event-type:{{type}}","account_id":1,"id":"{{Guid.NewGuid()}}","time":"2026-12-05T10:00:00Z",
         "subject":"zen:ticket:{{ticket}}","detail":{"id":"{{ticket}}","actor_id":"900001","priority":"HIGH","subject":"Export {{ticket}}","updated_at":"2026-12-05T10:00:00Z"},
         "event":{{evt}}}
        """;
}
