using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>Each vendor's payloads (the project's fixtures) become the normalized ticket we expect.</summary>
[TestFixture]
public class VendorParsingTests
{
    [Test]
    public void Generic_ticket_with_html_body_and_mixed_dates()
    {
        var outcome = Deliveries.Parse("generic", Fixtures.Read("generic_ticket_created.json"), new Dictionary<string, string> { ["webhook-id"] = "msg_1" });
        var t = outcome.Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(202));
            Assert.That(t.ExternalId, Is.EqualTo("G-7731"));
            Assert.That(t.DeliveryId, Is.EqualTo("msg_1"));
            Assert.That(t.EventKind, Is.EqualTo("ticket.created"));
            Assert.That(t.Body, Is.EqualTo("Hello,\nI was charged twice for order 5512 & want a refund."));
            Assert.That(t.Requester, Is.EqualTo(new Contracts.Requester("Maja Lindqvist", "maja@example.org")));
            Assert.That(t.Priority, Is.EqualTo("high"));
            Assert.That(t.Tags, Is.EqualTo(new[] { "billing", "refund" }));
            Assert.That(t.CreatedAt, Is.EqualTo(new DateTimeOffset(2026, 3, 2, 8, 15, 0, TimeSpan.Zero)));
            Assert.That(t.UpdatedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1772439360250)));
            Assert.That(t.Warnings, Is.Empty);
        });
    }

    [Test]
    public void Zendesk_trigger_with_english_dates_and_tags_in_one_string()
    {
        var t = Deliveries.Parse("zendesk", Fixtures.Read("zendesk_trigger.json")).Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(t.ExternalId, Is.EqualTo("4821"));
            Assert.That(t.Subject, Is.EqualTo("Cannot log in after password reset"));
            Assert.That(t.Body, Does.EndWith("The reset link works but the new password is refused."));
            Assert.That(t.Requester, Is.EqualTo(new Contracts.Requester("Kenji Watanabe", "kenji@example.jp")));
            Assert.That(t.Tags, Is.EqualTo(new[] { "login", "password_reset", "web" }));
            Assert.That(t.Priority, Is.EqualTo("urgent"));
            Assert.That(t.VendorStatus, Is.EqualTo("New"));
            Assert.That(t.CreatedAt, Is.EqualTo(new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(t.DeliveryId, Does.StartWith("rev:"), "a trigger has no event id: the revision hash stands in");
        });
    }

    [Test]
    public void Zendesk_event_subscription_ticket_and_a_non_ticket_event()
    {
        var t = Deliveries.Parse("zendesk", Fixtures.Read("zendesk_event_ticket_created.json")).Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(t.ExternalId, Is.EqualTo("5120"));
            Assert.That(t.EventKind, Is.EqualTo("ticket.created"));
            Assert.That(t.DeliveryId, Is.EqualTo("cbe4028c-7239-495d-b020-f22348516046"));
            Assert.That(t.Subject, Is.EqualTo("Export never finishes"));
            Assert.That(t.Priority, Is.EqualTo("high"));
            Assert.That(t.Tags, Is.EqualTo(new[] { "export", "performance" }));
        });
        var user = Deliveries.Parse("zendesk", Fixtures.Read("zendesk_event_user_created.json"));
        Assert.That((user.Status, user.Tickets.Count), Is.EqualTo((200, 0)));
    }

    [Test]
    public void Freshdesk_created_and_changed_events_with_html_and_non_ascii()
    {
        var created = Deliveries.Parse("freshdesk", Fixtures.Read("freshdesk_ticket_created.json")).Tickets.Single();
        var changed = Deliveries.Parse("freshdesk", Fixtures.Read("freshdesk_status_changed.json")).Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(created.ExternalId, Is.EqualTo("208"));
            Assert.That(created.EventKind, Is.EqualTo("ticket.created"));
            Assert.That(created.Subject, Is.EqualTo("Übersetzung fehlt – Rechnung €"));
            Assert.That(created.Body, Is.EqualTo("Die Rechnung zeigt\nkeinen Betrag.\nGrüße"));
            Assert.That(created.Requester!.Name, Is.EqualTo("Jörg Brandt"));
            Assert.That(changed.EventKind, Is.EqualTo("ticket.status_changed"));
            Assert.That(changed.DeliveryId, Is.Not.EqualTo(created.DeliveryId), "a new revision is not a duplicate");
        });
    }

    [Test]
    public void Groove_ticket_with_offset_after_a_space()
    {
        var t = Deliveries.Parse("groove", Fixtures.Read("groove_ticket_started.json"), new Dictionary<string, string> { ["x-groove-event"] = "ticket_started" }).Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(t.ExternalId, Is.EqualTo("57"));
            Assert.That(t.EventKind, Is.EqualTo("ticket_started"));
            Assert.That(t.Requester, Is.EqualTo(new Contracts.Requester("Priya Nair", "priya@example.in")));
            Assert.That(t.CreatedAt, Is.EqualTo(new DateTimeOffset(2026, 2, 11, 9, 30, 5, TimeSpan.FromMinutes(330))));
            Assert.That(t.Body, Is.EqualTo("The box was crushed and the lamp is broken."));
        });
    }

    [Test]
    public void Intercom_conversation_with_empty_subject_and_a_ping()
    {
        var t = Deliveries.Parse("intercom", Fixtures.Read("intercom_conversation_user_created.json")).Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(t.ExternalId, Is.EqualTo("30118822771"));
            Assert.That(t.DeliveryId, Is.EqualTo("notif_7b1e4a52-0d8e-4f63-9b7a-2c1d5e6f7a80"));
            Assert.That(t.Body, Is.EqualTo("My API key stopped working today.\nError 403."));
            Assert.That(t.Subject, Is.Empty);
            Assert.That(t.Warnings, Does.Contain("empty subject"));
            Assert.That(t.Tags, Is.EqualTo(new[] { "api" }));
            Assert.That(t.CreatedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1772530000)));
        });
        Assert.That(Deliveries.Parse("intercom", Fixtures.Read("intercom_ping.json")).Status, Is.EqualTo(200));
    }

    [Test]
    public void Front_inbound_message_with_fractional_epoch()
    {
        var t = Deliveries.Parse("front", Fixtures.Read("front_inbound.json")).Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(t.ExternalId, Is.EqualTo("cnv_9fjq2"));
            Assert.That(t.DeliveryId, Is.EqualTo("evt_4kq81zz"));
            Assert.That(t.Body, Is.EqualTo("Please send invoices to our new address."));
            Assert.That(t.Requester!.Email, Is.EqualTo("lena@example.at"));
            Assert.That(t.CreatedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1772530999514)));
            Assert.That(t.Tags, Is.EqualTo(new[] { "billing" }));
        });
    }

    [Test]
    public void Jira_issue_with_compact_offsets_and_accents()
    {
        var t = Deliveries.Parse("jira", Fixtures.Read("jira_issue_created.json"), new Dictionary<string, string> { ["x-atlassian-webhook-identifier"] = "8877" }).Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(t.ExternalId, Is.EqualTo("SUP-42"));
            Assert.That(t.DeliveryId, Is.EqualTo("8877"));
            Assert.That(t.Subject, Is.EqualTo("Crash when opening café menu"));
            Assert.That(t.Priority, Is.EqualTo("highest"));
            Assert.That(t.Requester, Is.EqualTo(new Contracts.Requester("Zoë Ødegård", "zoe@example.no")));
            Assert.That(t.CreatedAt, Is.EqualTo(new DateTimeOffset(2026, 3, 3, 10, 0, 0, 123, TimeSpan.Zero)));
            Assert.That(t.UpdatedAt, Is.EqualTo(new DateTimeOffset(2026, 3, 3, 10, 5, 0, 456, TimeSpan.FromHours(1))));
        });
    }

    [Test]
    public void Jira_description_in_atlassian_document_format_becomes_plain_text()
    {
        var outcome = Deliveries.Parse("jira", Fixtures.Read("jira_issue_created_adf.json"), new Dictionary<string, string> { ["x-atlassian-webhook-identifier"] = "8878" });
        var t = outcome.Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(202));
            Assert.That(t.ExternalId, Is.EqualTo("SUP-43"));
            Assert.That(t.Subject, Is.EqualTo("Checkout fails on Safari"));
            Assert.That(t.Body, Is.EqualTo(
                "Steps to reproduce\n1. Open the cart (https://shop.example.com/cart)\n2. Press Pay\n" +
                "Seen by @Zoë Ødegård on 2026-03-03 😞\nState: BLOCKED\n- Safari on macOS\n- Safari on iOS\n" +
                "TypeError: undefined is not an object\nat pay (checkout.js)\nLogs: https://logs.example.com/runs/checkout-safari\n" +
                "Browser | Result\nSafari | fails\nFirefox | works\nCustomers on Safari cannot pay."));
            Assert.That(t.Warnings, Is.Empty);
        });
    }

    [Test]
    public void Jira_comment_body_in_atlassian_document_format_is_the_ticket_text()
    {
        var t = Deliveries.Parse("jira", Fixtures.Read("jira_comment_created_adf.json")).Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(t.EventKind, Is.EqualTo("comment_created"));
            Assert.That(t.Body, Is.EqualTo("Still failing after the update. @Support Team please check.\n" +
                "https://status.example.com/incidents/checkout\n[x] Cleared the cache\n[ ] Try another card"));
            Assert.That(t.UpdatedAt, Is.EqualTo(new DateTimeOffset(2026, 3, 4, 9, 12, 0, 789, TimeSpan.Zero)));
            Assert.That(t.DeliveryId, Does.StartWith("rev:"), "no webhook identifier: the revision hash, over the converted text");
            Assert.That(t.Warnings, Is.Empty);
        });
    }

    [Test]
    public void Jira_wiki_markup_stays_as_written_and_wrong_types_are_warnings_not_failures()
    {
        var issue = Fixtures.Read("jira_issue_created.json");
        var wiki = Deliveries.Parse("jira", issue.Replace("\"App closes immediately.\"", "\"h2. Steps\\n* one\\n* two {code}x{code}\"")).Tickets.Single();
        var list = Deliveries.Parse("jira", issue.Replace("\"App closes immediately.\"", "[1, 2]"));
        var shapeless = Deliveries.Parse("jira", issue.Replace("\"App closes immediately.\"", "{\"type\":\"doc\",\"content\":\"x\"}"));
        var comment = Deliveries.Parse("jira", Fixtures.Read("jira_comment_created_adf.json").Replace("\"body\": {", "\"body\": [], \"was\": {"));
        Assert.Multiple(() =>
        {
            Assert.That(wiki.Body, Is.EqualTo("h2. Steps\n* one\n* two {code}x{code}"));
            Assert.That(wiki.Warnings, Is.Empty);
            Assert.That(list.Status, Is.EqualTo(202));
            Assert.That(list.Tickets.Single().Warnings, Does.Contain("description is array, expected text; ignored").And.Contain("no body"));
            Assert.That(shapeless.Status, Is.EqualTo(202));
            Assert.That(shapeless.Tickets.Single().Warnings, Does.Contain("ADF body: content that is not a list was skipped"));
            Assert.That(comment.Status, Is.EqualTo(202));
            Assert.That(comment.Tickets.Single().Warnings, Does.Contain("body is array, expected text; ignored"), "a comment body of the wrong type falls back to the description");
        });
    }

    [Test]
    public void GitHub_issue_comment_and_ping()
    {
        var opened = Deliveries.Parse("github", Fixtures.Read("github_issues_opened.json"), new Dictionary<string, string> { ["x-github-event"] = "issues", ["x-github-delivery"] = "d-1" }).Tickets.Single();
        var comment = Deliveries.Parse("github", Fixtures.Read("github_issue_comment_created.json"), new Dictionary<string, string> { ["x-github-event"] = "issue_comment", ["x-github-delivery"] = "d-2" }).Tickets.Single();
        var ping = Deliveries.Parse("github", Fixtures.Read("github_ping.json"), new Dictionary<string, string> { ["x-github-event"] = "ping" });
        Assert.Multiple(() =>
        {
            Assert.That(opened.ExternalId, Is.EqualTo("example-org/widgets#17"));
            Assert.That(opened.EventKind, Is.EqualTo("issues.opened"));
            Assert.That(opened.Tags, Is.EqualTo(new[] { "documentation", "good first issue" }));
            Assert.That(opened.Body, Does.Contain("`ticket_id`"), "markdown is not HTML: kept as written");
            Assert.That(comment.ExternalId, Is.EqualTo(opened.ExternalId));
            Assert.That(comment.Body, Is.EqualTo("Confirmed, fixing it now."));
            Assert.That(comment.Requester!.Name, Is.EqualTo("maintainer"));
            Assert.That((ping.Status, ping.Tickets.Count), Is.EqualTo((200, 0)));
            Assert.That(ping.Reason, Does.Contain("ping"));
        });
    }

    [Test]
    public void HubSpot_batch_gives_one_ticket_per_event_marked_for_hydration()
    {
        var tickets = Deliveries.Parse("hubspot", Fixtures.Read("hubspot_ticket_batch.json")).Tickets;
        Assert.That(tickets.Select(t => (t.ExternalId, t.DeliveryId, t.EventKind, t.NeedsHydration)), Is.EqualTo(new[]
        {
            ("880011", "3001", "ticket.creation", true),
            ("880012", "3002", "ticket.propertyChange", true),
        }));
        Assert.That(tickets[0].Warnings, Is.Empty, "no text is expected before hydration");
        Assert.That(tickets[1].VendorStatus, Is.EqualTo("2"));
    }

    [TestCase("generic", """{"ticket":{"id":"T-\ud800","subject":"a \udfff lone \ud83d half","body":"x \ud800","tags":["\udc00"],"created_at":"\ud800"}}""")]
    [TestCase("freshdesk", """{"freshdesk_webhook":{"ticket_id":"208","ticket_subject":"\ud800","ticket_description":"<p>\udbff</p>","ticket_tags":"a,\ud800"}}""")]
    [TestCase("jira", """{"webhookEvent":"jira:issue_created","issue":{"key":"SUP-1","fields":{"summary":"s","description":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"\ud800 text"}]}]}}}}""")]
    public void Escaped_lone_surrogates_are_dropped_like_any_other_and_never_fail_the_delivery(string source, string body)
    {
        // Found by ParserFuzzTests: JsonElement.GetString throws for them, which was a 5xx for a signed delivery.
        var outcome = Deliveries.Parse(source, body);
        Assert.That(outcome.Status, Is.EqualTo(202), outcome.Reason);
        var ticket = outcome.Tickets.Single();
        Assert.That(ticket.ExternalId + ticket.Subject + ticket.Body + string.Concat(ticket.Tags), Has.None.Matches<char>(char.IsSurrogate));
    }

    [Test]
    public void A_payload_that_names_no_ticket_is_refused_with_422_but_a_thin_one_is_accepted_with_warnings()
    {
        var none = Deliveries.Parse("generic", """{"type":"ticket.created","ticket":{"subject":"no id"}}""");
        Assert.That(none.Status, Is.EqualTo(422));
        var thin = Deliveries.Parse("generic", """{"ticket":{"id":"T-1","subject":null,"requester":7,"tags":"a,b","created_at":"yesterday-ish"}}""");
        var t = thin.Tickets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(thin.Status, Is.EqualTo(202));
            Assert.That(t.Tags, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(t.Warnings, Does.Contain("empty subject").And.Contain("no body").And.Contain("no requester").And.Contain("created date not understood; ignored"));
        });
    }
}
