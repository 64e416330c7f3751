using Agents.Contracts;
using Agents.Harness;
using Agents.Ingest.Normalization;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// The field changes people make, read from each vendor's update event in its own shape, become the same
/// <see cref="FieldChange"/>s with who made them where the vendor says: what shadow mode compares the agent with.
/// </summary>
[TestFixture]
public class HumanChangeParsingTests
{
    private static FieldChange Change(string field, string? from, string? to) => new() { Field = field, From = from, To = to };

    [Test]
    public async Task A_long_Freshdesk_triggered_event_without_a_change_is_read_in_linear_time()
    {
        // The bad-input corpus's long naughty strings in triggered_event held one request past the client's 30 s:
        // a field name of letters and spaces followed by \s* let the regex try every split of every run.
        var hostile = string.Concat(Enumerable.Repeat("priority to high ", 12_000)); // ~200 KB, no '{from:…}' anywhere
        var reading = Task.Run(() => FieldChanges.FromFreshdeskEvent(hostile));
        var finished = await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.That(finished, Is.SameAs(reading), "read within 10 s (milliseconds once linear; minutes before)");
        Assert.That(await reading, Is.Empty);
        Assert.That(FieldChanges.FromFreshdeskEvent("{priority:{from:3,to:4}}"), Is.EqualTo(new[] { Change(TicketFields.Priority, "high", "urgent") }));
    }

    [Test]
    public void Zendesk_priority_group_and_tags_events()
    {
        static string Event(string type, string evt) => $$"""
            {"type":"zen:event-type:{{type}}","account_id":1,"id":"{{Guid.NewGuid()}}","time":"2026-12-04T10:00:00Z",
             "subject":"zen:ticket:5120","detail":{"id":"5120","actor_id":"900001","priority":"HIGH","subject":"Export","updated_at":"2026-12-04T10:00:00Z"},
             "event":{{evt}}}
            """;
        var priority = Deliveries.Parse("zendesk", Event("ticket.priority_changed", """{"current":"HIGH","previous":"LOW"}""")).Tickets.Single();
        var group = Deliveries.Parse("zendesk", Event("ticket.group_assignment_changed", """{"current":{"id":"77","name":"Billing"},"previous":{"id":"76","name":"Support"}}""")).Tickets.Single();
        var tags = Deliveries.Parse("zendesk", Event("ticket.tags_changed", """{"tags_added":["VIP","refund"],"tags_removed":["web"]}""")).Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(priority.Changes, Is.EqualTo(new[] { Change(TicketFields.Priority, "low", "high") }));
            Assert.That(priority.ChangedBy, Is.EqualTo("900001"));
            Assert.That(group.Changes, Is.EqualTo(new[] { Change(TicketFields.Group, "Support", "Billing") }));
            Assert.That(tags.Changes, Is.EqualTo(new[] { Change(TicketFields.Tags, "web", "refund,vip") }));
        });
    }

    [Test]
    public void Jira_changelog_priority_labels_and_component_with_the_user()
    {
        var body = """
            {"webhookEvent":"jira:issue_updated","user":{"displayName":"Ana Souza","accountId":"5b10ac"},
             "issue":{"key":"SUP-12","fields":{"summary":"Export","priority":{"name":"High"},"labels":["billing","vip"],"updated":"2026-12-04T10:00:00.000+0000"}},
             "changelog":{"items":[{"field":"priority","fromString":"Low","toString":"High"},
                                   {"field":"labels","fromString":"billing","toString":"billing vip"},
                                   {"field":"status","fromString":"Open","toString":"In Progress"},
                                   {"field":"Component","fromString":null,"toString":"Payments"}]}}
            """;
        var t = Deliveries.Parse("jira", body, new Dictionary<string, string> { ["x-atlassian-webhook-identifier"] = "j-1" }).Tickets.Single();
        Assert.That(t.Changes, Is.EqualTo(new[]
        {
            Change(TicketFields.Priority, "low", "high"), Change(TicketFields.Tags, null, "vip"), Change(TicketFields.Category, null, "Payments"),
        }));
        Assert.That(t.ChangedBy, Is.EqualTo("Ana Souza"));
    }

    [Test]
    public void GitHub_labeled_and_unlabeled_by_the_sender()
    {
        static string Body(string action) => """
            {"action":"ACTION","label":{"name":"bug"},"sender":{"login":"octocat"},
             "issue":{"number":7,"title":"Crash","body":"x","state":"open","labels":[{"name":"bug"}],"user":{"login":"someone"},"updated_at":"2026-12-04T10:00:00Z"},
             "repository":{"full_name":"acme/app"}}
            """.Replace("ACTION", action);
        var labeled = Deliveries.Parse("github", Body("labeled"), new Dictionary<string, string> { ["x-github-event"] = "issues", ["x-github-delivery"] = "d1" }).Tickets.Single();
        var unlabeled = Deliveries.Parse("github", Body("unlabeled"), new Dictionary<string, string> { ["x-github-event"] = "issues", ["x-github-delivery"] = "d2" }).Tickets.Single();
        Assert.That(labeled.Changes, Is.EqualTo(new[] { Change(TicketFields.Tags, null, "bug") }));
        Assert.That(unlabeled.Changes, Is.EqualTo(new[] { Change(TicketFields.Tags, "bug", null) }));
        Assert.That(labeled.ChangedBy, Is.EqualTo("octocat"));
    }

    [Test]
    public void HubSpot_property_change_says_its_change_source()
    {
        var body = """
            [{"objectId":1246965,"eventId":3816279340,"subscriptionType":"ticket.propertyChange","propertyName":"hs_ticket_priority",
              "propertyValue":"HIGH","changeSource":"CRM_UI","sourceId":"userId:1234","occurredAt":1764842400000}]
            """;
        var t = Deliveries.Parse("hubspot", body).Tickets.Single();
        Assert.That(t.Changes, Is.EqualTo(new[] { Change(TicketFields.Priority, null, "high") }));
        Assert.That(t.ChangedBy, Is.EqualTo("CRM_UI:userId:1234"));
    }

    [Test]
    public void Freshdesk_triggered_event_of_the_real_fixture_with_numeric_priorities()
    {
        var t = Deliveries.Parse("freshdesk", File.ReadAllText(SharedDataFile.Require("webhooks/freshdesk_priority_changed.json"))).Tickets.Single();
        Assert.That(t.Changes, Is.EqualTo(new[] { Change(TicketFields.Priority, "high", "low") }), "{priority:{from:3,to:1}}: 3 is High, 1 is Low");
    }

    [Test]
    public void Generic_changes_and_changed_by_and_a_change_that_changes_nothing_is_dropped()
    {
        var body = """
            {"type":"ticket.updated","changed_by":"maja@example.org",
             "changes":[{"field":"priority","from":"low","to":"High"},{"field":"queue","from":"Billing","to":"Billing"},{"field":"status","from":"open","to":"pending"}],
             "ticket":{"id":"G-1","subject":"s","body":"b","updated_at":"2026-12-04T10:00:00Z"}}
            """;
        var t = Deliveries.Parse("generic", body, new Dictionary<string, string> { ["webhook-id"] = "msg_9" }).Tickets.Single();
        Assert.That(t.Changes, Is.EqualTo(new[] { Change(TicketFields.Priority, "low", "high") }));
        Assert.That(t.ChangedBy, Is.EqualTo("maja@example.org"));
    }
}
