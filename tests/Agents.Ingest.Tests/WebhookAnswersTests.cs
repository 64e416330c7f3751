using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>Every vendor over real HTTP into a real broker and database: the answers, duplicates, quarantine, replay.</summary>
[TestFixture]
public class WebhookAnswersTests : SharedIngestFixture
{
    /// <summary>Source, fixture, the text naming the ticket, and its replacement with {0} for a value unique to the run.</summary>
    public static IEnumerable<TestCaseData> VendorFixtures() =>
    [
        new("generic", "generic_ticket_created.json", "\"G-7731\"", "\"G-{0}\""),
        new("zendesk", "zendesk_trigger.json", "\"4821\"", "\"{0}\""),
        new("zendesk", "zendesk_event_ticket_created.json", "\"5120\"", "\"{0}\""),
        new("freshdesk", "freshdesk_ticket_created.json", "\"208\"", "\"{0}\""),
        new("groove", "groove_ticket_started.json", "\"number\": 57", "\"number\": {0}"),
        new("intercom", "intercom_conversation_user_created.json", "\"30118822771\"", "\"{0}\""),
        new("front", "front_inbound.json", "\"cnv_9fjq2\"", "\"cnv_{0}\""),
        new("jira", "jira_issue_created.json", "\"SUP-42\"", "\"SUP-{0}\""),
        new("jira", "jira_issue_created_adf.json", "\"SUP-43\"", "\"SUP-{0}\""),
        new("jira", "jira_comment_created_adf.json", "\"SUP-43\"", "\"SUP-{0}\""),
        new("github", "github_issues_opened.json", "\"number\": 17", "\"number\": {0}"),
        new("hubspot", "hubspot_ticket_batch.json", "\"objectId\":880011", "\"objectId\":{0}"),
    ];

    [TestCaseSource(nameof(VendorFixtures))]
    public async Task Signed_vendor_delivery_is_published_once_and_its_retry_is_a_200_duplicate(string source, string fixture, string find, string replace)
    {
        // Each run gets its own ticket id, so the fixture can be sent by several tests without meeting itself.
        var unique = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000).ToString();
        var body = Fixtures.Read(fixture).Replace(find, string.Format(replace, unique));
        if (source == "hubspot")
            body = body.Replace("\"eventId\":3001", $"\"eventId\":{unique}").Replace("\"eventId\":3002", $"\"eventId\":{unique}1").Replace("880012", unique + "2");
        var eventId = Guid.NewGuid().ToString();

        var first = await _host.SendAsync(source, body, eventId);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await first.Content.ReadAsStringAsync());
        var answer = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(answer.GetProperty("accepted").GetInt32(), Is.EqualTo(source == "hubspot" ? 2 : 1));

        var retry = await _host.SendAsync(source, body, eventId);
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean(), Is.True);

        await Eventually.Until(() => Task.FromResult(_host.Published(unique)), n => n >= 1, TimeSpan.FromSeconds(10), "the ticket on the bus");
        await Task.Delay(300);
        Assert.That(_host.Published(unique), Is.EqualTo(source == "hubspot" ? 2 : 1), "the retry was not published again");
        var message = _host.Probe.Bodies.First(b => b.Contains(unique, StringComparison.Ordinal));
        // The copy's identity is the message id and the ticket's delivery key, which the classifier records; no header
        // that nothing reads.
        Assert.That(message, Does.Contain("\"deliveryId\"").And.Not.Contain("Idempotency-Key"));
    }

    [Test]
    public async Task HubSpot_batch_publishes_one_message_per_event_marked_for_hydration()
    {
        var a = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);
        var body = $$"""[{"eventId":{{a}},"objectId":{{a}},"subscriptionType":"ticket.creation","occurredAt":1772533000000},{"eventId":{{a + 1}},"objectId":{{a + 1}},"subscriptionType":"ticket.deletion","occurredAt":1772533000001},{"eventId":{{a + 2}},"subscriptionType":"ticket.creation"}]""";
        var response = await _host.SendAsync("hubspot", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Eventually.Until(() => Task.FromResult(_host.Published($"\"{a}\"") + _host.Published($"\"{a + 1}\"")),
            n => n == 2, TimeSpan.FromSeconds(10), "both events on the bus; got " + string.Join("\n", _host.Probe.Bodies.TakeLast(2)));
        var message = _host.Probe.Bodies.First(b => b.Contains($"\"{a}\"", StringComparison.Ordinal));
        Assert.That(message, Does.Match("\"needsHydration\":\\s*true"));
        Assert.That(message, Does.Contain("named no object"), "the event without objectId is reported, not silently dropped");
    }

    [Test]
    public async Task A_jira_document_travels_as_plain_text_and_a_malformed_one_as_warnings()
    {
        var key = "SUP-" + Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);
        var body = Fixtures.Read("jira_issue_created_adf.json").Replace("\"SUP-43\"", $"\"{key}\"");
        var response = await _host.SendAsync("jira", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        await Eventually.Until(() => Task.FromResult(_host.Published(key)), n => n == 1, TimeSpan.FromSeconds(10), "the ticket on the bus");
        var message = JsonDocument.Parse(_host.Probe.Bodies.First(b => b.Contains(key, StringComparison.Ordinal))).RootElement;
        var text = message.GetProperty("message").GetProperty("body").GetString();
        Assert.That(text, Does.StartWith("Steps to reproduce\n1. Open the cart (https://shop.example.com/cart)").And.Contain("Safari | fails").And.Not.Contain("\"type\""));

        var broken = Fixtures.Read("jira_issue_created.json").Replace("\"SUP-42\"", $"\"{key}-B\"")
            .Replace("\"App closes immediately.\"", """{"type":"doc","content":[{"type":"paragraph","content":"x"},{"type":"mystery","content":[{"type":"text","text":"salvaged"}]}]}""");
        var accepted = await _host.SendAsync("jira", broken);
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var warnings = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToList();
        Assert.That(warnings, Does.Contain("ADF body: content that is not a list was skipped").And.Contain("ADF body: node types not known, their text kept: mystery"));
    }

    [Test]
    public async Task A_real_edit_without_event_id_is_not_mistaken_for_a_retry()
    {
        var id = "FD-" + Guid.NewGuid().ToString("N")[..8];
        var created = Fixtures.Read("freshdesk_ticket_created.json").Replace("\"208\"", $"\"{id}\"");
        var changed = Fixtures.Read("freshdesk_status_changed.json").Replace("\"208\"", $"\"{id}\"");
        Assert.That((await _host.SendAsync("freshdesk", created)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((await _host.SendAsync("freshdesk", created)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "same revision: a retry");
        Assert.That((await _host.SendAsync("freshdesk", changed)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "new revision");
    }

    [Test]
    public async Task GitHub_ping_and_non_ticket_events_get_200_and_publish_nothing()
    {
        var before = _host.Probe.Count;
        var ping = await _host.SendAsync("github", Fixtures.Read("github_ping.json"));
        var intercomPing = await _host.SendAsync("intercom", Fixtures.Read("intercom_ping.json"));
        Assert.That(ping.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ping.Content.ReadAsStringAsync(), Does.Contain("ping"));
        Assert.That(intercomPing.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Task.Delay(300);
        Assert.That(_host.Probe.Count, Is.EqualTo(before));
    }

    [Test]
    public async Task Bad_signature_and_stale_timestamp_get_401_and_are_not_quarantined()
    {
        var marker = Guid.NewGuid().ToString("N");
        var body = $$$"""{"ticket":{"id":"{{{marker}}}"}}""";
        var stale = await _host.SendAsync("zendesk", body, at: DateTimeOffset.UtcNow.AddMinutes(-10));
        var forged = await _host.Client.SendAsync(VendorRequests.Signed("github", body, secret: "guessed"));
        var unsigned = await _host.Client.PostAsync("/webhooks/intercom", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.That(new[] { stale.StatusCode, forged.StatusCode, unsigned.StatusCode }, Is.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await stale.Content.ReadAsStringAsync(), Does.Contain("older than"));
        Assert.That(await _host.CountAsync($"SELECT count(*) FROM ingest_quarantine WHERE convert_from(\"Body\", 'UTF8') LIKE '%{marker}%'"), Is.Zero);
        Assert.That(_host.Published(marker), Is.Zero);
    }

    [Test]
    public async Task Refused_bodies_are_quarantined_with_reason_and_without_secrets()
    {
        // A marker the redaction of stored bodies keeps (a random one reads as a secret and is redacted there).
        var marker = "refused-bodies-marker";
        var malformed = await _host.SendAsync("freshdesk", $$"""{"freshdesk_webhook":{"ticket_id":"{{marker}}",""");
        var noTicket = await _host.SendAsync("jira", $$"""{"webhookEvent":"jira:issue_created","note":"{{marker}}"}""");
        var wrongType = await _host.Client.SendAsync(PlainText("generic", $"ticket {marker}"));
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await malformed.Content.ReadAsStringAsync(), Does.Contain("invalid JSON"));
        Assert.That(noTicket.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(wrongType.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));

        var rows = (await _host.QuarantineAsync("?limit=1000")).Where(r => r.GetProperty("receivedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1)).ToList();
        var details = new List<JsonElement>();
        foreach (var row in rows)
            details.Add(await _host.Operator.GetFromJsonAsync<JsonElement>($"/quarantine/{row.GetProperty("id").GetInt64()}"));
        var mine = details.Where(d => d.GetProperty("body").GetString()?.Contains(marker) == true).ToList();
        Assert.That(mine.Select(d => d.GetProperty("summary").GetProperty("reason").GetString()),
            Is.EquivalentTo(new[] { "malformed", "no_ticket_identity", "unsupported_media_type" }));
        var freshdesk = mine.Single(d => d.GetProperty("summary").GetProperty("source").GetString() == "freshdesk");
        var headers = freshdesk.GetProperty("headers").EnumerateObject().Select(h => h.Name).ToList();
        Assert.That(headers, Does.Contain("content-type"));
        Assert.That(headers, Has.None.Contains("secret").And.None.Contains("signature").And.None.EqualTo(VendorRequests.FreshdeskHeader.ToLowerInvariant()));
        Assert.That(freshdesk.ToString(), Does.Not.Contain(VendorRequests.Secrets["freshdesk"]));
        var jira = mine.Single(d => d.GetProperty("summary").GetProperty("source").GetString() == "jira");
        Assert.That(jira.GetProperty("headers").EnumerateObject().Select(h => h.Name), Has.None.EqualTo("x-hub-signature"));
        Assert.That(jira.GetProperty("summary").GetProperty("signatureVerified").GetBoolean(), Is.True);
    }

    [Test]
    public async Task Oversized_body_gets_413_unread_and_only_its_headers_reach_the_sample()
    {
        var marker = Guid.NewGuid().ToString("N");
        var body = $$$"""{"ticket":{"id":"{{{marker}}}","body":"{{{new string('x', 1024 * 1024)}}}"}}""";
        // The sample keeps a few unverified requests a second; an earlier test's strangers may have spent this second's.
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var response = await _host.SendAsync("generic", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        // Too large to check its signature, so it has proven nothing: no quarantine row.
        Assert.That(await _host.CountAsync($"SELECT count(*) FROM ingest_quarantine WHERE \"BodySize\" = {Encoding.UTF8.GetByteCount(body)}"), Is.Zero);
        var sampled = await Eventually.Until(() => _host.CountAsync($"SELECT count(*) FROM ingest_unverified WHERE \"BodySize\" = {Encoding.UTF8.GetByteCount(body)}"),
            n => n == 1, TimeSpan.FromSeconds(10), "the sampled request");
        Assert.That(sampled, Is.EqualTo(1));
        Assert.That(await _host.CountAsync($"SELECT length(\"Body\") FROM ingest_unverified WHERE \"BodySize\" = {Encoding.UTF8.GetByteCount(body)}"), Is.Zero,
            "a body declared larger than the limit is not even read");
        var sample = await _host.Operator.GetFromJsonAsync<List<JsonElement>>("/quarantine/unverified");
        var row = sample!.Single(r => r.GetProperty("bodySize").GetInt64() == Encoding.UTF8.GetByteCount(body));
        Assert.That((row.GetProperty("statusCode").GetInt32(), row.GetProperty("reason").GetString()), Is.EqualTo((413, "too_large")));
        Assert.That(row.GetProperty("headers").EnumerateObject().Select(h => h.Name), Has.None.Contains("signature"), "no signature kept");
    }

    [Test]
    public async Task A_verified_body_refused_for_its_content_type_replays_without_force_then_is_a_duplicate()
    {
        var marker = "R-" + Guid.NewGuid().ToString("N")[..10];
        var body = $$$"""{"type":"ticket.created","ticket":{"id":"{{{marker}}}","subject":"sent as text/plain"}}""";
        var unsigned = await _host.Client.PostAsync("/webhooks/generic", new StringContent(body, Encoding.UTF8, "text/plain"));
        Assert.That(unsigned.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "unsigned: it proves nothing, whatever its type");
        var refused = await _host.Client.SendAsync(PlainText("generic", body));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        var rows = (await _host.QuarantineAsync("?reason=unsupported_media_type&limit=1000")).Where(r => r.GetProperty("bodySize").GetInt64() == Encoding.UTF8.GetByteCount(body)).ToList();
        var id = rows.Single().GetProperty("id").GetInt64();
        Assert.That(rows.Single().GetProperty("signatureVerified").GetBoolean(), Is.True);

        var replay = await _host.Operator.PostAsync($"/quarantine/{id}/replay", null);
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32(), Is.EqualTo(202));
        var again = await _host.Operator.PostAsync($"/quarantine/{id}/replay", null);
        Assert.That((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32(), Is.EqualTo(200), "second replay is a duplicate");
        await Eventually.Until(() => Task.FromResult(_host.Published(marker)), n => n == 1, TimeSpan.FromSeconds(10), "the replayed ticket");

        var detail = await _host.Operator.GetFromJsonAsync<JsonElement>($"/quarantine/{id}");
        Assert.That(detail.GetProperty("replayedBy").GetString(), Is.EqualTo("oscar"));
        Assert.That(detail.GetProperty("summary").GetProperty("replayResult").GetString(), Does.StartWith("200"));
    }

    [Test]
    public async Task A_row_kept_before_its_signature_was_checked_replays_only_when_forced()
    {
        // Earlier versions kept 415 and 429 bodies unverified; such rows may still be in the table after an upgrade.
        var marker = "U-" + Guid.NewGuid().ToString("N")[..10];
        var id = await KeepEarlierRowAsync("generic", marker, signatureVerified: false);
        var unforced = await _host.Operator.PostAsync($"/quarantine/{id}/replay", null);
        Assert.That(unforced.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        var forced = await _host.Operator.PostAsync($"/quarantine/{id}/replay?force=true", null);
        Assert.That((await forced.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32(), Is.EqualTo(202));
        await Eventually.Until(() => Task.FromResult(_host.Published(marker)), n => n == 1, TimeSpan.FromSeconds(10), "the replayed ticket");
    }

    [Test]
    public async Task A_row_kept_under_another_spelling_of_its_source_replays_through_that_source()
    {
        // The source is looked up as the live endpoint does (/webhooks/Generic is generic), by the one pipeline both use.
        var marker = "C-" + Guid.NewGuid().ToString("N")[..10];
        var id = await KeepEarlierRowAsync("Generic", marker, signatureVerified: true);
        var replay = await _host.Operator.PostAsync($"/quarantine/{id}/replay", null);
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.OK), await replay.Content.ReadAsStringAsync());
        Assert.That((await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32(), Is.EqualTo(202));
        await Eventually.Until(() => Task.FromResult(_host.Published(marker)), n => n == 1, TimeSpan.FromSeconds(10), "the replayed ticket");
    }

    /// <summary>A 415 row as an earlier version kept it, for a generic ticket named <paramref name="marker"/>.</summary>
    private Task<long> KeepEarlierRowAsync(string source, string marker, bool signatureVerified) => _host.CountAsync($$$"""
        INSERT INTO ingest_quarantine ("Source","Reason","StatusCode","Headers","Body","BodySize","BodyTruncated","SignatureVerified","ReceivedAt")
        VALUES ('{{{source}}}','unsupported_media_type',415,'{}',convert_to('{"type":"ticket.created","ticket":{"id":"{{{marker}}}"}}','UTF8'),60,false,{{{(signatureVerified ? "true" : "false")}}},now())
        RETURNING "Id"
        """);

    /// <summary>A correctly signed delivery sent with the wrong Content-Type.</summary>
    private HttpRequestMessage PlainText(string source, string body)
    {
        var request = VendorRequests.Signed(source, body, _host.Service.Address);
        request.Content!.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        return request;
    }

    [Test]
    public async Task Quarantine_api_is_closed_without_an_operator_token()
    {
        var anonymous = await _host.Client.GetAsync("/quarantine");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/quarantine");
        wrong.Headers.Authorization = new("Bearer", IngestHost.OperatorToken + "x");
        var guessed = await _host.Client.SendAsync(wrong);
        var replay = await _host.Client.PostAsync("/quarantine/1/replay", null);
        Assert.That(new[] { anonymous.StatusCode, guessed.StatusCode, replay.StatusCode }, Is.All.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Health_and_openapi_describe_the_endpoint()
    {
        Assert.That((await _host.Client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _host.Client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var openapi = await _host.Client.GetStringAsync("/openapi/v1.json");
        Assert.That(openapi, Does.Contain("/webhooks/{source}").And.Contain("\"429\"").And.Contain("\"503\"").And.Contain("/quarantine/{id}/replay")
            .And.Contain("X-Front-Challenge").And.Contain("Atlassian Document Format"));
    }

    [Test]
    public async Task Openapi_lists_each_routes_real_status_codes_and_bodies()
    {
        var document = await OpenApiResponses.ReadAsync(_host.Client);
        string[] expected =
        [
            "POST /webhooks/{source}: 200+body 202+body 400+body 401+body 404+body 413+body 415+body 422+body 429+body 503+body",
            "GET /quarantine: 200+body 401+body",
            "GET /quarantine/unverified: 200+body 401+body",
            "GET /quarantine/{id}: 200+body 401+body 404+body",
            "POST /quarantine/{id}/replay: 200+body 401+body 404+body 409+body",
        ];
        Assert.That(document.DescribeAsExpected(expected), Is.EqualTo(expected));
    }
}
