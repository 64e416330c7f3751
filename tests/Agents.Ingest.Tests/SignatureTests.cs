using System.Text;
using Agents.Ingest.Sources;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// Every source's scheme against the vendors' published test vectors (copied here from their SDKs and docs) and
/// against requests signed by <see cref="VendorRequests"/>: good passes; tampered, wrong key, stale and missing fail.
/// </summary>
[TestFixture]
public class SignatureTests
{
    private static readonly string[] AllSources = ["generic", "zendesk", "freshdesk", "groove", "intercom", "front", "jira", "github", "hubspot"];

    // Standard Webhooks' known vector (libraries' verifyWebhookSignWorks).
    private const string SwSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SwId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string SwBody = "{\"test\": 2432232314}";
    private const string SwSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly DateTimeOffset SwAt = DateTimeOffset.FromUnixTimeSeconds(1614265330);

    private static Dictionary<string, string> SwHeaders(string signature) => new()
    {
        ["webhook-id"] = SwId, ["webhook-timestamp"] = "1614265330", ["webhook-signature"] = signature,
    };

    [Test]
    public void Standard_webhooks_known_vector_passes_at_its_time_and_is_stale_now()
    {
        var request = Deliveries.Request("generic", SwBody, SwHeaders(SwSignature));
        Assert.That(Deliveries.Verify("generic", request, SwSecret, SwAt), Is.Null);
        Assert.That(Deliveries.Verify("generic", request, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SwAt), Is.Null, "secret without the whsec_ prefix");
        Assert.That(Deliveries.Verify("generic", request, SwSecret, DateTimeOffset.UtcNow), Does.Contain("older than"));
    }

    [Test]
    public void Standard_webhooks_tampered_signature_and_multi_signature_decoys()
    {
        var tampered = Deliveries.Request("generic", SwBody, SwHeaders("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLawdd"));
        Assert.That(Deliveries.Verify("generic", tampered, SwSecret, SwAt), Is.Not.Null);

        var decoys = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
        Assert.That(Deliveries.Verify("generic", Deliveries.Request("generic", SwBody, SwHeaders(decoys + " " + SwSignature)), SwSecret, SwAt), Is.Null);
        Assert.That(Deliveries.Verify("generic", Deliveries.Request("generic", SwBody, SwHeaders(decoys)), SwSecret, SwAt), Is.Not.Null);
        Assert.That(Deliveries.Verify("generic", Deliveries.Request("generic", SwBody, SwHeaders("v2," + SwSignature[3..])), SwSecret, SwAt), Is.Not.Null,
            "only v1 entries count");
    }

    [Test]
    public void HubSpot_published_v1_v2_v3_vectors()
    {
        const string secret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
        var body = Encoding.UTF8.GetBytes("{'example_field':'example_value'}");
        Assert.Multiple(() =>
        {
            Assert.That(Convert.ToHexStringLower(HubSpotSource.V1(secret, body)), Is.EqualTo("69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750"));
            Assert.That(Convert.ToHexStringLower(HubSpotSource.V2(secret, "POST", "https://www.example.com/webhook_uri", body)),
                Is.EqualTo("4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383"));
            Assert.That(Convert.ToHexStringLower(HubSpotSource.V2(secret, "GET", "https://www.example.com/webhook_uri", [])),
                Is.EqualTo("eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"));
            Assert.That(Convert.ToBase64String(HubSpotSource.V3(secret, "POST", "https://www.example.com/webhook_uri", body, "15000000")),
                Is.EqualTo("HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw="));
            Assert.That(Convert.ToHexStringLower(HubSpotSource.V1(secret, Encoding.UTF8.GetBytes(Fixtures.Read("hubspot_ticket_batch.json").Trim()))), Has.Length.EqualTo(64));
        });
    }

    [Test]
    public void HubSpot_v3_vector_is_refused_as_stale_and_v1_only_when_legacy_is_allowed()
    {
        const string secret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
        const string body = "{'example_field':'example_value'}";
        var v3 = Deliveries.Request("hubspot", body, new Dictionary<string, string>
        {
            ["x-hubspot-signature-v3"] = "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=", ["x-hubspot-request-timestamp"] = "15000000",
        }, url: "https://www.example.com/webhook_uri");
        Assert.That(Deliveries.Verify("hubspot", v3, secret, DateTimeOffset.FromUnixTimeMilliseconds(15000000)), Is.Null, "the math matches at its own time");
        Assert.That(Deliveries.Verify("hubspot", v3, secret, DateTimeOffset.UtcNow), Does.Contain("older than"));

        // The node SDK's v1 vector over the exact bytes of a real batch.
        const string batch = "[{\"eventId\":1,\"subscriptionId\":12345,\"portalId\":62515,\"occurredAt\":1564113600000,\"subscriptionType\":\"contact.creation\",\"attemptNumber\":0,\"objectId\":123,\"changeSource\":\"CRM\",\"changeFlag\":\"NEW\",\"appId\":54321}]";
        var v1 = Deliveries.Request("hubspot", batch, new Dictionary<string, string>
        {
            ["x-hubspot-signature"] = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de", ["x-hubspot-signature-version"] = "v1",
        });
        Assert.That(Deliveries.Verify("hubspot", v1, secret, DateTimeOffset.UtcNow), Does.Contain("not allowed"));
        Assert.That(Deliveries.Verify("hubspot", v1, secret, DateTimeOffset.UtcNow, new SourceOptions { AllowLegacySignatures = true }), Is.Null);
    }

    [Test]
    public void GitHub_documented_vector()
    {
        // docs.github.com "Validating webhook deliveries": secret and payload below give this signature.
        var request = Deliveries.Request("github", "Hello, World!", new Dictionary<string, string>
        {
            ["x-hub-signature-256"] = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        });
        Assert.That(Deliveries.Verify("github", request, "It's a Secret to Everybody", DateTimeOffset.UtcNow), Is.Null);
        Assert.That(Deliveries.Verify("github", request, "It's a Secret to Everybody!", DateTimeOffset.UtcNow), Is.Not.Null);
    }

    [Test]
    public async Task Front_legacy_rule_webhooks_verify_only_when_allowed_and_application_webhooks_still_do()
    {
        var secret = VendorRequests.Secrets["front"];
        var legacy = new SourceOptions { AllowLegacySignatures = true };
        var body = Fixtures.Read("front_inbound.json");
        var rule = await Deliveries.FromHttpAsync("front", VendorRequests.FrontLegacy(body));
        var ruleWrongKey = await Deliveries.FromHttpAsync("front", VendorRequests.FrontLegacy(body, secret: "not-the-secret"));
        var application = await Deliveries.FromHttpAsync("front", VendorRequests.Signed("front", body));
        var challenge = await Deliveries.FromHttpAsync("front", VendorRequests.FrontChallenge("c-legacy"));
        Assert.Multiple(() =>
        {
            Assert.That(Deliveries.Verify("front", rule, secret, DateTimeOffset.UtcNow), Does.Contain("legacy signatures are not allowed"));
            Assert.That(Deliveries.Verify("front", rule, secret, DateTimeOffset.UtcNow, legacy), Is.Null);
            Assert.That(Deliveries.Verify("front", rule with { Body = Encoding.UTF8.GetBytes(body + " ") }, secret, DateTimeOffset.UtcNow, legacy), Is.Not.Null, "tampered");
            Assert.That(Deliveries.Verify("front", ruleWrongKey, secret, DateTimeOffset.UtcNow, legacy), Is.Not.Null, "wrong key");
            Assert.That(Deliveries.Verify("front", application, secret, DateTimeOffset.UtcNow, legacy), Is.Null, "SHA-256 with a timestamp still verifies");
            Assert.That(Deliveries.Verify("front", challenge, secret, DateTimeOffset.UtcNow, legacy), Is.Null, "and so does the validation request");
        });
    }

    [TestCaseSource(nameof(AllSources))]
    public async Task Vendor_signed_request_passes_and_every_alteration_fails(string source)
    {
        const string body = """{"ticket":{"id":"T-1"}}""";
        var good = await Deliveries.FromHttpAsync(source, VendorRequests.Signed(source, body, new Uri("http://localhost")));
        Assert.That(Deliveries.Verify(source, good, VendorRequests.Secrets[source], DateTimeOffset.UtcNow), Is.Null, "good signature");

        var tampered = good with { Body = Encoding.UTF8.GetBytes("""{"ticket":{"id":"T-2"}}""") };
        var wrongKey = await Deliveries.FromHttpAsync(source, VendorRequests.Signed(source, body, new Uri("http://localhost"),
            secret: source == "generic" ? "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("another-secret-entirely-32bytes!")) : "not-the-secret"));
        var bare = good with { Headers = good.Headers.Where(h => h.Key is "content-type").ToDictionary() };
        Assert.Multiple(() =>
        {
            if (source is not ("freshdesk" or "groove")) // a shared secret does not cover the body
                Assert.That(Deliveries.Verify(source, tampered, VendorRequests.Secrets[source], DateTimeOffset.UtcNow), Is.Not.Null, "tampered body");
            Assert.That(Deliveries.Verify(source, wrongKey, VendorRequests.Secrets[source], DateTimeOffset.UtcNow), Is.Not.Null, "wrong key");
            Assert.That(Deliveries.Verify(source, bare, VendorRequests.Secrets[source], DateTimeOffset.UtcNow), Is.Not.Null, "no signature headers");
        });
    }

    [TestCase("generic")]
    [TestCase("zendesk")]
    [TestCase("front")]
    [TestCase("hubspot")]
    public async Task Timestamped_schemes_refuse_deliveries_older_or_newer_than_the_tolerance(string source)
    {
        const string body = """{"ticket":{"id":"T-1"}}""";
        foreach (var skew in new[] { TimeSpan.FromMinutes(-6), TimeSpan.FromMinutes(6) })
        {
            var request = await Deliveries.FromHttpAsync(source, VendorRequests.Signed(source, body, new Uri("http://localhost"), at: DateTimeOffset.UtcNow + skew));
            Assert.That(Deliveries.Verify(source, request, VendorRequests.Secrets[source], DateTimeOffset.UtcNow), Is.Not.Null, $"skew {skew}");
        }
        var recent = await Deliveries.FromHttpAsync(source, VendorRequests.Signed(source, body, new Uri("http://localhost"), at: DateTimeOffset.UtcNow.AddMinutes(-4)));
        Assert.That(Deliveries.Verify(source, recent, VendorRequests.Secrets[source], DateTimeOffset.UtcNow), Is.Null);
    }
}
