using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Harness;
using Agents.Ingest.Quarantine;
using Agents.ServiceDefaults;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>Ingest when what it depends on misbehaves: the broker goes away, the database is down, a source floods.</summary>
[TestFixture]
public class FaultTests
{
    [Test]
    public async Task Broker_down_gets_503_and_the_senders_retry_after_recovery_is_accepted_exactly_once()
    {
        var servers = await TestServers.GetAsync();
        await using var proxy = AmqpProxy.Start(servers.RabbitHost, servers.RabbitPort);
        await using var host = await IngestHost.StartAsync(new Dictionary<string, string?>
        {
            ["RabbitMq:Port"] = proxy.Port.ToString(),
            ["Ingest:PublishTimeout"] = "00:00:02",
            ["Health:Delay"] = "00:00:00",
            ["Health:Period"] = "00:00:01", // the least it may be
        });
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // the health log has seen the broker healthy
        var id = "OUT-" + Guid.NewGuid().ToString("N")[..8];
        var body = $$$"""{"type":"ticket.created","ticket":{"id":"{{{id}}}","subject":"during the outage"}}""";
        const string deliveryId = "msg_outage_retry";

        proxy.Cut();
        var during = await host.SendAsync("generic", body, deliveryId);
        Assert.That(during.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(during.Headers.RetryAfter?.Delta, Is.Not.Null);
        await Eventually.Until(async () => { var r = await host.Client.GetAsync("/health/ready"); return $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}"; }, s => s.StartsWith("503"),
            TimeSpan.FromSeconds(30), "not ready while the broker is away");
        // Probed again and again while the broker is away, and the checks ran several times: the log says so once.
        await Task.Delay(TimeSpan.FromSeconds(3));
        for (var probe = 0; probe < 5; probe++)
            Assert.That((int)(await host.Client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(503));
        var health = host.Errors.Entries.Where(e => e.Contains("Health", StringComparison.Ordinal)).ToList();
        Assert.That(health.Where(e => e.Contains(HealthTransitionLog.ProbeCategory, StringComparison.Ordinal)), Is.Empty,
            "no error per probe");
        Assert.That(health.Where(e => e.Contains("Health check broker is Unhealthy (was Healthy)", StringComparison.Ordinal)), Has.Exactly(1).Items,
            string.Join('\n', health));
        var deferred = await host.QuarantineAsync("?reason=deferred");
        Assert.That(deferred, Has.Count.EqualTo(1), "the refused body is kept as deferred");
        Assert.That(deferred[0].GetProperty("signatureVerified").GetBoolean(), Is.True);

        proxy.Resume();
        await host.Service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        // The sender retries until it gets a 2xx (a reconnecting bus may still refuse the first attempts).
        var retry = await Eventually.Until(async () => (await host.SendAsync("generic", body, deliveryId)).StatusCode,
            s => s != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "a retry answered with something else than 503");
        Assert.That(retry, Is.EqualTo(HttpStatusCode.Accepted));
        var again = await host.SendAsync("generic", body, deliveryId);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a further retry is a duplicate");

        await Eventually.Until(() => Task.FromResult(host.Published(id)), n => n >= 1, TimeSpan.FromSeconds(10), "the ticket on the bus");
        await Task.Delay(1000);
        Assert.That(host.Published(id), Is.EqualTo(1), "accepted exactly once");

        // The operator's replay of the deferred copy finds it already accepted.
        var replay = await host.Operator.PostAsync($"/quarantine/{deferred[0].GetProperty("id").GetInt64()}/replay", null);
        Assert.That((await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32(), Is.EqualTo(200));
        await Task.Delay(300);
        Assert.That(host.Published(id), Is.EqualTo(1));
    }

    [Test]
    public async Task Database_down_still_answers_202_and_4xx_and_never_5xx()
    {
        await using var host = await IngestHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Db"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=x;Password=y;Timeout=2",
            ["Logging:LogLevel:Agents"] = "Critical",
        }, migrate: false);
        var id = "NODB-" + Guid.NewGuid().ToString("N")[..8];
        var good = await host.SendAsync("generic", $$$"""{"ticket":{"id":"{{{id}}}","subject":"no database"}}""");
        var malformed = await host.SendAsync("generic", "{\"ticket\":");
        var noTicket = await host.SendAsync("generic", "{\"ticket\":{}}");
        Assert.That(good.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "published without the duplicate check");
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(noTicket.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        await Eventually.Until(() => Task.FromResult(host.Published(id)), n => n == 1, TimeSpan.FromSeconds(10), "the ticket on the bus");
    }

    [Test]
    public async Task A_flooding_source_gets_429_with_retry_after_and_others_are_not_affected()
    {
        await using var host = await IngestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Ingest:RateLimit:PermitsPerSecond"] = "2",
            ["Ingest:RateLimit:Burst"] = "3",
            ["Logging:LogLevel:Agents"] = "Error",
        });
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            host.SendAsync("github", Fixtures.Read("github_ping.json"))));
        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.That(limited, Is.Not.Empty);
        Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.OK), Is.GreaterThanOrEqualTo(3));
        Assert.That(limited.All(a => a.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)), Is.True, "Retry-After on every 429");

        var other = await host.SendAsync("intercom", Fixtures.Read("intercom_ping.json"));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK), "another source has its own bucket");
        Assert.That(await host.CountAsync("SELECT count(*) FROM ingest_quarantine WHERE \"Reason\" = 'rate_limited' AND \"Source\" = 'github'"),
            Is.EqualTo(limited.Count), "every 429 body is quarantined");
    }

    [Test]
    public async Task Retention_removes_old_quarantine_rows_rows_over_the_cap_and_old_deliveries()
    {
        await using var host = await IngestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Ingest:QuarantineMaxRows"] = "3",
            ["Ingest:QuarantineRetention"] = "1.00:00:00",
            ["Ingest:DedupeWindow"] = "2.00:00:00",
        });
        await host.Database.ScalarAsync<long>("""
            INSERT INTO ingest_quarantine ("Source","Reason","StatusCode","Headers","Body","BodySize","BodyTruncated","SignatureVerified","ReceivedAt")
            SELECT 'generic','malformed',400,'{}','\x7b','1',false,true, now() - (g || ' hours')::interval FROM generate_series(0, 29, 6) g;
            INSERT INTO ingest_deliveries ("Source","DeliveryKey","ExternalId","MessageId","AcceptedAt")
            VALUES ('generic','old','1',gen_random_uuid(), now() - interval '3 days'), ('generic','new','1',gen_random_uuid(), now());
            SELECT 1;
            """);
        await host.Service.Services.GetRequiredService<RetentionCleanup>().RunOnceAsync(CancellationToken.None);
        Assert.That(await host.CountAsync("SELECT count(*) FROM ingest_quarantine"), Is.EqualTo(3), "older than a day, and over the cap, removed");
        Assert.That(await host.CountAsync("SELECT count(*) FROM ingest_quarantine WHERE \"ReceivedAt\" < now() - interval '1 day'"), Is.Zero);
        Assert.That(await host.CountAsync("SELECT count(*) FROM ingest_deliveries"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_source_without_a_secret_refuses_everything()
    {
        await using var host = await IngestHost.StartAsync(new Dictionary<string, string?> { ["Ingest:Sources:github:Secret"] = "" });
        var response = await host.SendAsync("github", Fixtures.Read("github_issues_opened.json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("no secret"));
    }
}
