using System.Text.Json;
using Agents.Ingest.Normalization;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

[TestFixture]
public class NormalizationTests
{
    [TestCase("1553290198", "2019-03-22T21:29:58+00:00")]
    [TestCase("1518309203.872", "2018-02-11T00:33:23.872+00:00")]
    [TestCase("1364403238369", "2013-03-27T16:53:58.369+00:00")]
    [TestCase("\"2013-03-27T16:53:58.301+0000\"", "2013-03-27T16:53:58.301+00:00")]
    [TestCase("\"2017-12-14 20:09:19 +0530\"", "2017-12-14T20:09:19+05:30")]
    [TestCase("\"February 3, 2025\"", "2025-02-03T00:00:00+00:00")]
    [TestCase("\"2019-05-15T15:20:18Z\"", "2019-05-15T15:20:18+00:00")]
    [TestCase("\"1553290198\"", "2019-03-22T21:29:58+00:00")]
    public void Every_date_shape_the_samples_show(string json, string expected)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.That(Dates.Parse(doc.RootElement), Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("1e400")]
    [TestCase("-5")]
    [TestCase("\"not a date\"")]
    [TestCase("\"\"")]
    [TestCase("true")]
    [TestCase("99999999999999999999999")]
    public void Nonsense_dates_are_null_not_exceptions(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.That(Dates.Parse(doc.RootElement), Is.Null);
    }

    [Test]
    public void Html_becomes_text_with_line_breaks_and_without_scripts()
    {
        var text = PlainText.Clean(PlainText.FromHtml("<div>One &amp; <b>two</b></div><script>alert(1)</script><ul><li>a</li><li>b</li></ul>x<br>y"));
        Assert.That(text, Is.EqualTo("One & two\na\nb\nx\ny"));
    }

    [Test]
    public void Deeply_nested_html_does_not_overflow_the_stack()
    {
        // 50,000 levels would hold the HTML parser for most of a minute: past the depth limit tags are only removed.
        var html = string.Concat(Enumerable.Repeat("<div><b>", 50_000)) + "deep &amp; down" + string.Concat(Enumerable.Repeat("</b></div>", 50_000));
        Assert.That(PlainText.Clean(PlainText.FromHtml(html, out var stripped)), Is.EqualTo("deep & down"));
        Assert.That(stripped, Is.True);
        Assert.That(PlainText.FromHtml("<div><p>shallow</p></div>", out var parsed), Does.Contain("shallow"));
        Assert.That(parsed, Is.False);
    }

    [Test]
    public void Control_characters_and_lone_surrogates_are_removed_and_text_is_nfc()
    {
        var dirty = "a\u0000b\u0007c\u001b[31m \ud800 e\u0301\r\n\r\n\r\nz\u202e";
        Assert.That(PlainText.Clean(dirty), Is.EqualTo("abc[31m é\n\nz"));
        Assert.That(PlainText.Clean("line1\nline2", singleLine: true), Is.EqualTo("line1 line2"));
        Assert.That(PlainText.Clean("emoji 👩‍💻 stays"), Is.EqualTo("emoji 👩‍💻 stays"));
    }

    [Test]
    public void A_subject_is_plain_text_markup_in_it_is_kept_as_typed_and_entities_decoded()
    {
        var draft = new TicketDraft { ExternalId = "1", EventKind = "x", Subject = "<script>alert(1)</script> Tom &amp; Jerry", Body = "b" };
        var ticket = TicketNormalizer.Normalize(draft, "generic", DateTimeOffset.UtcNow, 100, out _)!;
        Assert.That(ticket.Subject, Is.EqualTo("<script>alert(1)</script> Tom & Jerry"));
    }

    [Test]
    public void Long_bodies_are_truncated_with_a_warning_and_never_inside_a_surrogate_pair()
    {
        var draft = new TicketDraft { ExternalId = "1", EventKind = "x", Subject = "s", Body = new string('a', 99) + "😀😀" };
        var ticket = TicketNormalizer.Normalize(draft, "generic", DateTimeOffset.UtcNow, 100, out _)!;
        Assert.That(ticket.Body, Is.EqualTo(new string('a', 99)));
        Assert.That(ticket.Warnings, Has.Some.StartsWith("body truncated"));
    }

    [Test]
    public void The_same_revision_hashes_the_same_and_an_edit_does_not()
    {
        TicketDraft Draft(string body) => new() { ExternalId = "1", EventKind = "x", Subject = "s", Body = body };
        string Key(TicketDraft d) => TicketNormalizer.Normalize(d, "freshdesk", DateTimeOffset.UtcNow, 1000, out _)!.DeliveryId;
        var first = Key(Draft("a"));
        Assert.That(Key(Draft("a")), Is.EqualTo(first));
        Assert.That(Key(Draft("a")), Is.Not.EqualTo(Key(Draft("b"))));
    }

    [Test]
    public void Subject_and_body_are_redacted_but_the_requester_address_is_kept()
    {
        var draft = new TicketDraft
        {
            ExternalId = "1", EventKind = "ticket.created",
            Subject = "Refund to card 4111 1111 1111 1111",
            Body = "<p>My password: Hunter2!secret, write to other.person@example.com</p>",
            RequesterEmail = "customer@example.com",
        };
        var ticket = TicketNormalizer.Normalize(draft, "generic", DateTimeOffset.UtcNow, 1000, out _)!;
        Assert.That(ticket.Subject, Is.EqualTo("Refund to card [CARD_1]"));
        Assert.That(ticket.Body, Is.EqualTo("My password: [PASSWORD_1], write to [EMAIL_1]"));
        Assert.That(ticket.Requester!.Email, Is.EqualTo("customer@example.com"));
        Assert.That(ticket.Warnings, Does.Contain("redacted 3 secret(s) from the text"));
        Assert.That(string.Join("|", ticket.Warnings), Does.Not.Contain("Hunter2").And.Not.Contain("4111"));
    }

    [Test]
    public void A_ticket_without_secrets_gets_no_redaction_warning()
    {
        var draft = new TicketDraft { ExternalId = "1", EventKind = "x", Subject = "Order 12345 late", Body = "Where is it?", RequesterName = "A" };
        var ticket = TicketNormalizer.Normalize(draft, "generic", DateTimeOffset.UtcNow, 1000, out _)!;
        Assert.That(ticket.Body, Is.EqualTo("Where is it?"));
        Assert.That(ticket.Warnings, Has.None.Contains("redacted"));
    }
}
