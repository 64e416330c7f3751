using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Agents.Harness;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// What a stranger can cost us, with the shipped budgets: a flood of requests that prove nothing (unsigned, wrongly
/// signed, stale, too large, to unknown sources; assorted sizes) from this machine, while vendors' signed deliveries
/// keep arriving. Loopback only, bounded in time.
/// </summary>
[TestFixture]
public class StrangerFloodTests
{
    private const int Flood = 20_000;
    private static readonly string[] Sources = ["generic", "github", "jira", "zendesk", "intercom"];

    [Test]
    public async Task Twenty_thousand_unverified_requests_displace_no_signed_delivery_and_leave_only_the_bounded_sample()
    {
        var shipped = ShippedSettings();
        shipped["Logging:LogLevel:Agents"] = "Error";
        await using var host = await IngestHost.StartAsync(shipped);
        var sample = Options.Sample(shipped);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();

        var floodAnswers = new ConcurrentDictionary<int, int>();
        var floodTime = TimeSpan.Zero;
        var flood = Parallel.ForEachAsync(Enumerable.Range(0, Flood), new ParallelOptions { MaxDegreeOfParallelism = 24, CancellationToken = deadline.Token },
            async (i, ct) =>
            {
                using var request = Stranger(i, host.Service.Address);
                using var response = await host.Client.SendAsync(request, ct);
                floodAnswers.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            }).ContinueWith(t => { floodTime = clock.Elapsed; return t; }, TaskScheduler.Default).Unwrap();
        // The vendors' deliveries, spread over the flood's first five seconds: 100 per source, 4 at a time.
        var signedAnswers = new ConcurrentBag<(string Source, int Status, string Body)>();
        var signed = Parallel.ForEachAsync(Enumerable.Range(0, 500), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = deadline.Token },
            async (i, ct) =>
            {
                if (TimeSpan.FromMilliseconds(i * 10) - clock.Elapsed is { Ticks: > 0 } wait)
                    await Task.Delay(wait, ct);
                var source = Sources[i % Sources.Length];
                using var response = await host.Client.SendAsync(VendorRequests.Signed(source, Genuine(source, i), host.Service.Address, $"flood-{i}"), ct);
                signedAnswers.Add((source, (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
            });
        var finished = true;
        try
        {
            await Task.WhenAll(flood, signed);
        }
        catch (OperationCanceledException)
        {
            finished = false;
        }
        var elapsed = clock.Elapsed;
        TestContext.Out.WriteLine($"{floodAnswers.Values.Sum()} unverified requests answered in {floodTime.TotalSeconds:0.0} s, "
            + $"{signedAnswers.Count} signed ones by {elapsed.TotalSeconds:0.0} s; "
            + "unverified answers: " + string.Join(", ", floodAnswers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"))
            + "; signed answers: " + string.Join(", ", signedAnswers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")));

        var refusedSigned = signedAnswers.Where(a => a.Status != 202).Select(a => $"{a.Source} {a.Status} {a.Body}").Take(5).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(refusedSigned, Is.Empty, "every signed delivery accepted");
            Assert.That(floodAnswers.Keys, Is.SubsetOf(new[] { 401, 404, 413, 429 }), "nothing but refusals, and never a 5xx");
            Assert.That(finished, Is.True, $"all {Flood + 500} requests answered within the minute");
            Assert.That(host.Errors.Entries, Is.Empty);
        }

        // The flood's whole footprint: the sample's ring, within its fixed bound; nothing in the quarantine.
        Assert.That(await host.CountAsync("SELECT count(*) FROM ingest_quarantine"), Is.Zero);
        var rows = await host.CountAsync("SELECT count(*) FROM ingest_unverified");
        var bytes = await host.CountAsync("SELECT coalesce(sum(octet_length(\"Body\") + octet_length(\"Headers\"::text)), 0) FROM ingest_unverified");
        TestContext.Out.WriteLine($"sample: {rows} rows, {bytes} bytes of bodies and headers");
        Assert.That(rows, Is.LessThanOrEqualTo(Math.Min(sample.MaxRows, (long)Math.Ceiling(elapsed.TotalSeconds + 1) * sample.PerSecond)));
        Assert.That(bytes, Is.LessThanOrEqualTo((long)sample.MaxRows * (sample.MaxBodyBytes + sample.MaxHeaderBytes)));
        await Eventually.Until(() => host.CountAsync("SELECT count(*) FROM ingest_deliveries"), n => n == 1000, TimeSpan.FromSeconds(10),
            "the 500 accepted deliveries recorded, two keys each");
    }

    /// <summary>Request <paramref name="i"/> of the flood: a mix of what strangers send.</summary>
    private static HttpRequestMessage Stranger(int i, Uri address)
    {
        var source = Sources[i % Sources.Length];
        var body = Bodies[i % Bodies.Length];
        switch (i % 20)
        {
            case 0:
                return Post($"/webhooks/nope-{i % 7}", body);
            case 1 when i % 100 == 1:
                return Post($"/webhooks/{source}", TooLarge);
            case 2 or 3:
                return VendorRequests.SignedBytes(source is "generic" or "zendesk" ? source : "generic", body, address, at: DateTimeOffset.UtcNow.AddHours(-1));
            case < 12:
                return VendorRequests.SignedBytes(source, body, address, secret: source == "generic" ? WrongGenericSecret : "guessed-" + i);
            default:
                return Post($"/webhooks/{source}", body);
        }
    }

    private static HttpRequestMessage Post(string path, byte[] body) =>
        new(HttpMethod.Post, path) { Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } };

    private static readonly byte[][] Bodies = [.. new[] { 0, 200, 2_000, 16_000, 64_000 }.Select(size =>
        Encoding.UTF8.GetBytes("{\"ticket\":{\"id\":\"x\",\"body\":\"" + new string('a', size) + "\"}}"))];

    private static readonly byte[] TooLarge = new byte[1_500_000];

    private static readonly string WrongGenericSecret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("not-the-generic-secret-32-bytes!"));

    private static string Genuine(string source, int i) => source switch
    {
        "generic" => Fixtures.Read("generic_ticket_created.json").Replace("\"G-7731\"", $"\"G-flood-{i}\""),
        "github" => Fixtures.Read("github_issues_opened.json").Replace("\"number\": 17", $"\"number\": {900_000 + i}"),
        "jira" => Fixtures.Read("jira_issue_created.json").Replace("\"SUP-42\"", $"\"SUP-F{i}\""),
        "zendesk" => Fixtures.Read("zendesk_trigger.json").Replace("\"4821\"", $"\"F{i}\""),
        _ => Fixtures.Read("intercom_conversation_user_created.json").Replace("\"30118822771\"", $"\"F{i}\"").Replace("notif_7b1e4a52", $"notif_{i}"),
    };

    /// <summary>Ingest's shipped budgets and sample bounds (its appsettings.json), which IngestHost otherwise raises.</summary>
    private static Dictionary<string, string?> ShippedSettings()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "services", "ingest", "appsettings.json")));
        var ingest = json.RootElement.GetProperty("Ingest");
        var settings = new Dictionary<string, string?>();
        foreach (var section in new[] { "RateLimit", "UnverifiedSample" })
            foreach (var p in ingest.GetProperty(section).EnumerateObject())
                settings[$"Ingest:{section}:{p.Name}"] = p.Value.ToString();
        return settings;
    }

    private sealed record Options(int MaxRows, int MaxBodyBytes, int MaxHeaderBytes, int PerSecond)
    {
        public static Options Sample(Dictionary<string, string?> s) => new(
            int.Parse(s["Ingest:UnverifiedSample:MaxRows"]!), int.Parse(s["Ingest:UnverifiedSample:MaxBodyBytes"]!),
            int.Parse(s["Ingest:UnverifiedSample:MaxHeaderBytes"]!), int.Parse(s["Ingest:UnverifiedSample:PerSecond"]!));
    }
}
