using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Ingest.Sources;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// Front's application-webhook validation request (<c>X-Front-Challenge</c>): answered 200 with
/// <c>{"challenge":…}</c> only when signed; never published, never quarantined; a forgery gets 401.
/// </summary>
[TestFixture]
public class FrontHandshakeTests : SharedIngestFixture
{
    [Test]
    public void The_challenge_is_the_header_at_front_and_nothing_elsewhere()
    {
        var front = Deliveries.Source("front");
        var sync = Fixtures.Read("front_sync_challenge.json");
        Assert.Multiple(() =>
        {
            Assert.That(front.Challenge(Deliveries.Request("front", sync, new Dictionary<string, string> { ["x-front-challenge"] = "c-1" })), Is.EqualTo("c-1"));
            Assert.That(front.Challenge(Deliveries.Request("front", sync)), Is.Null, "no header: an ordinary delivery");
            Assert.That(front.Challenge(Deliveries.Request("front", sync, new Dictionary<string, string> { ["x-front-challenge"] = "" })), Is.Null);
            foreach (var other in IngestService.Sources().Select(t => (IWebhookSource)Activator.CreateInstance(t)!).Where(s => s.Name != "front"))
                Assert.That(other.Challenge(Deliveries.Request(other.Name, sync, new Dictionary<string, string> { ["x-front-challenge"] = "c-1" })), Is.Null, other.Name);
        });
    }

    [Test]
    public async Task The_challenge_request_is_verified_like_every_application_webhook()
    {
        var now = DateTimeOffset.UtcNow;
        var good = await Deliveries.FromHttpAsync("front", VendorRequests.FrontChallenge("c-2"));
        var forged = await Deliveries.FromHttpAsync("front", VendorRequests.FrontChallenge("c-2", secret: "guessed"));
        var stale = await Deliveries.FromHttpAsync("front", VendorRequests.FrontChallenge("c-2", at: now.AddMinutes(-10)));
        var secret = VendorRequests.Secrets["front"];
        Assert.Multiple(() =>
        {
            Assert.That(Deliveries.Verify("front", good, secret, now), Is.Null);
            Assert.That(Deliveries.Verify("front", forged, secret, now), Is.EqualTo("x-front-signature does not match"));
            Assert.That(Deliveries.Verify("front", stale, secret, now), Does.Contain("older than"));
        });
    }

    [Test]
    public async Task A_signed_challenge_is_echoed_as_json_and_nothing_is_published_or_kept()
    {
        var company = "cmp_" + Guid.NewGuid().ToString("N")[..10];
        var challenge = "ch-" + Guid.NewGuid().ToString("N") + "\"<&>";
        var before = _host.Probe.Count;

        var response = await _host.Client.SendAsync(VendorRequests.FrontChallenge(challenge, Fixtures.Read("front_sync_challenge.json").Replace("cmp_3fk2z", company)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(answer.EnumerateObject().Select(p => (p.Name, p.Value.GetString())), Is.EqualTo(new[] { ("challenge", challenge) }),
            "exactly {\"challenge\": the header's value}");
        await Task.Delay(300);
        Assert.That(_host.Probe.Count, Is.EqualTo(before), "a handshake publishes nothing");
        Assert.That(await QuarantinedAsync(company), Is.Zero);
    }

    [Test]
    public async Task A_challenge_on_a_conversation_event_is_still_only_a_handshake()
    {
        var conversation = "cnv_" + Guid.NewGuid().ToString("N")[..10];
        var body = Fixtures.Read("front_inbound.json").Replace("\"cnv_9fjq2\"", $"\"{conversation}\"");

        var response = await _host.Client.SendAsync(VendorRequests.FrontChallenge("ch-event", body));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("challenge").GetString(), Is.EqualTo("ch-event"));
        await Task.Delay(300);
        Assert.That(_host.Published(conversation), Is.Zero);
        var ordinary = await _host.SendAsync("front", body);
        Assert.That(ordinary.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "the same event without the header is a ticket");
    }

    [Test]
    public async Task A_forged_stale_unsigned_or_legacy_signed_challenge_gets_401_and_is_not_kept()
    {
        var company = "cmp_" + Guid.NewGuid().ToString("N")[..10];
        var body = Fixtures.Read("front_sync_challenge.json").Replace("cmp_3fk2z", company);
        const string challenge = "ch-must-not-echo";
        var unsigned = new HttpRequestMessage(HttpMethod.Post, "/webhooks/front") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        unsigned.Headers.Add("X-Front-Challenge", challenge);
        var legacy = VendorRequests.FrontLegacy(body);
        legacy.Headers.Add("X-Front-Challenge", challenge);
        var otherBody = VendorRequests.FrontChallenge(challenge, body);
        otherBody.Content = new StringContent(body.Replace("sync", "sunk"), System.Text.Encoding.UTF8, "application/json");

        var requests = new Dictionary<string, HttpRequestMessage>
        {
            ["wrong secret"] = VendorRequests.FrontChallenge(challenge, body, secret: "guessed"),
            ["stale"] = VendorRequests.FrontChallenge(challenge, body, at: DateTimeOffset.UtcNow.AddMinutes(-10)),
            ["future"] = VendorRequests.FrontChallenge(challenge, body, at: DateTimeOffset.UtcNow.AddMinutes(10)),
            ["unsigned"] = unsigned,
            ["legacy SHA-1 (not allowed)"] = legacy,
            ["signature of another body"] = otherBody,
        };
        foreach (var (name, request) in requests)
        {
            var response = await _host.Client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), name);
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain(challenge), name);
        }
        Assert.That(await QuarantinedAsync(company), Is.Zero, "401s are never kept");
    }

    private Task<long> QuarantinedAsync(string marker) =>
        _host.CountAsync($"SELECT count(*) FROM ingest_quarantine WHERE convert_from(\"Body\", 'UTF8') LIKE '%{marker}%'");
}
