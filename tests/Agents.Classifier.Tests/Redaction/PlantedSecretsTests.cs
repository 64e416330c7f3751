using System.Text.Json;
using Agents.Classifier.Persistence;
using Agents.Contracts;
using Agents.Harness;
using Agents.Harness.Canaries;
using Agents.Ingest;
using Agents.Ingest.Persistence;
using Agents.ServiceDefaults;
using Agents.Testing;
using Agents.Testing.Canaries;
using Agents.Webhooks;
using Agents.Writer;
using Agents.Writer.Persistence;
using NUnit.Framework;

namespace Agents.Classifier.Tests.Redaction;

/// <summary>
/// The proof of issue #22, through the running system: ingest, classifier and writer in this process on a real
/// broker and database, the LLM a local OpenAI-compatible server that records every request. Every ticket of
/// <c>dev.jsonl</c> and of our own generated set goes in as a signed webhook; then each planted value (and its
/// JSON-escaped and separator-free forms, <see cref="PlantedValueSearch"/>) is looked for in every recorded prompt, every row of every table of every
/// service, every log line, every message on the bus (a test queue bound to every contract's exchange and its
/// fault exchange) and every span attribute. None may be found. Each place is checked to hold the tickets' other
/// text, so an empty place cannot pass for a clean one.
/// </summary>
[NonParallelizable]
public class PlantedSecretsTests
{
    private static readonly Type[] Messages = typeof(TicketReceived).Assembly.GetExportedTypes()
        .Where(t => t.Namespace == typeof(TicketReceived).Namespace && t is { IsClass: true, IsAbstract: false }).ToArray();

    [Test]
    public async Task No_planted_value_reaches_a_prompt_a_table_a_log_line_a_message_or_a_span()
    {
        var sets = new (string Name, IReadOnlyList<CanaryTicket> Tickets)[]
        {
            ("dev.jsonl", DevCanaries.Load()),
            ($"generated (seed {GeneratedCanaries.DefaultSeed})", GeneratedCanaries.Create()),
        };
        var tickets = sets.SelectMany(s => s.Tickets).ToList();

        using var console = new ConsoleCapture();
        using var spans = new ActivityCapture();
        await using var servers = await IsolatedServers.CreateAsync();
        await using var llm = await FakeLlmServer.StartAsync();
        await using var bus = await BusProbe.StartWithFaultsAsync(servers.Broker, Messages);
        var settings = new SystemSettings
        {
            Broker = servers.Broker.Settings,
            ConnectionString = servers.Database.ConnectionString,
            LogLevel = "Debug",
            ClassifierExtras = ClassifierHost.Settings(llm),
            // Each planted ticket is also sent refused (several copies): a budget that never answers 429 here, where
            // the point is what is stored, not how fast a source may send.
            IngestExtras = new Dictionary<string, string?> { ["Ingest:RateLimit:PermitsPerSecond"] = "100000" },
        };
        await using var writer = await RunningService.StartAsync(WriterService.Build, [settings.Writer],
            sp => DatabaseMigration.MigrateAsync<WriterDbContext>(sp));
        await using var classifier = await RunningService.StartAsync(ClassifierService.Build, [settings.Classifier],
            sp => DatabaseMigration.MigrateAsync<ClassifierDbContext>(sp));
        await using var ingest = await RunningService.StartAsync(IngestService.Build, [settings.Ingest],
            sp => DatabaseMigration.MigrateAsync<IngestDbContext>(sp));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var delivered = await CrmWebhooks.Sender([ingest.Address], concurrency: 32)
            .SendAsync(tickets.Select(t => new WebhookDelivery("msg_" + t.Id, t.Id, Payload(t, t.Id))).ToList(), CancellationToken.None);
        Assert.That(delivered.Where(d => !d.Accepted).Select(d => $"{d.Delivery.ExternalId}: {d.Status} {d.Answer}"), Is.Empty, "every ticket got in");
        var sent = clock.Elapsed;
        await Eventually.Until(() => Task.FromResult(Classified(bus)), n => n >= tickets.Count, TimeSpan.FromSeconds(120),
            "every ticket classified");
        var classified = clock.Elapsed;
        // Proposals are published after TicketClassified: wait until their count stops growing and the writer holds them all.
        long proposals = -1;
        await Eventually.Until(async () =>
        {
            var seen = ClassifierHost.Messages(bus.Bodies.Where(b => b.Contains(":ProposeWrites\"", StringComparison.Ordinal))).Count;
            var held = await servers.Database.ScalarAsync<long>("SELECT count(*) FROM write_approvals");
            var settled = seen == proposals && held >= seen;
            proposals = seen;
            return settled;
        }, settled => settled, TimeSpan.FromSeconds(60), "every proposal held by the writer");
        await RefuseCopiesAsync(ingest.Client, servers.Database, tickets);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the console logger writes from its own queue
        TestContext.Out.WriteLine($"{tickets.Count} tickets sent in {sent.TotalSeconds:0.0} s, classified after {classified.TotalSeconds:0.0} s, "
            + $"{proposals} proposals held after {clock.Elapsed.TotalSeconds:0.0} s");

        var places = new Dictionary<string, string>
        {
            ["prompt"] = string.Join('\n', llm.RequestBodies),
            ["table"] = await servers.Database.DumpAsTextAsync(),
            ["log"] = console.Text,
            ["bus"] = string.Join('\n', bus.Bodies),
            ["span"] = spans.Text,
        };
        AssertEachPlaceHoldsTheTickets(places, tickets, llm.CallCount);
        var searching = System.Diagnostics.Stopwatch.StartNew();
        var search = new PlantedValueSearch(tickets.SelectMany(t => t.Secrets.Select(secret => (secret, t.Subject + "\n" + t.Body))));
        var foundIn = places.ToDictionary(p => p.Key, p => search.FoundIn(p.Value));
        // The search itself finds every value in the tickets as they were sent (as text and as JSON).
        var sentText = string.Join('\n', tickets.Select(t => t.Subject + "\n" + t.Body));
        var values = tickets.SelectMany(t => t.Secrets).Distinct().ToList();
        Assert.That(values.Except(search.FoundIn(sentText).Keys), Is.Empty, "the search finds every value unredacted");
        Assert.That(values.Except(search.FoundIn(JsonSerializer.Serialize(sentText)).Keys), Is.Empty, "the search finds every value JSON-escaped");
        TestContext.Out.WriteLine($"searched {string.Join(", ", places.Select(p => $"{p.Key}: {p.Value.Length / 1024} KiB"))} "
            + $"in {searching.Elapsed.TotalSeconds:0.0} s");
        Assert.Multiple(() =>
        {
            Assert.That(bus.Bodies.Where(b => b.Contains("MassTransit:Fault", StringComparison.Ordinal)), Is.Empty, "no consumer failed");
            foreach (var (name, set) in sets)
            {
                var planted = set.Sum(t => t.Secrets.Count);
                var leaks = set.SelectMany(t => t.Secrets.Select(secret => (t.Id, Secret: secret, Where: foundIn.Where(f => f.Value.ContainsKey(secret)).Select(f => f.Key).ToList())))
                    .Where(l => l.Where.Count > 0).ToList();
                TestContext.Out.WriteLine($"{name}: {set.Count} tickets, {planted} planted values, {leaks.Count} found anywhere "
                    + $"(live recall {1 - (double)leaks.Count / planted:P2})");
                foreach (var (id, secret, where) in leaks)
                {
                    var (text, at) = (places[where[0]], foundIn[where[0]][secret]);
                    var context = text[Math.Max(0, at - 120)..Math.Min(text.Length, at + 80)];
                    TestContext.Out.WriteLine($"  FOUND {id} [{secret}] in: {string.Join(", ", where)}; in the {where[0]}: …{context.ReplaceLineEndings(" ")}…");
                }
                Assert.That(leaks.Select(l => $"{l.Id} [{l.Secret}]"), Is.Empty, $"{name}: planted values found in the system");
            }
        });
    }

    /// <summary>A place that holds none of the tickets' own text proves nothing: each must show they went through it.</summary>
    private static void AssertEachPlaceHoldsTheTickets(Dictionary<string, string> places, IReadOnlyList<CanaryTicket> tickets, int llmCalls)
    {
        var someId = tickets[0].Id;
        Assert.Multiple(() =>
        {
            Assert.That(llmCalls, Is.GreaterThan(20), "the LLM was asked (identical redacted texts are asked once)");
            Assert.That(places["prompt"], Does.Contain("[PASSWORD_").And.Contain("[CARD_").And.Contain("[IBAN_").And.Contain("[APIKEY_"),
                "the prompts carry the tickets' redacted text");
            Assert.That(places["table"], Does.Contain("write_approvals").And.Contain(someId).And.Contain("[PASSWORD_"),
                "the writer's table holds the proposals with their redacted excerpts");
            Assert.That(places["table"], Does.Contain("classifier_steps").And.Contain("ingest_deliveries"), "every service's tables were read");
            Assert.That(places["table"], Does.Contain("ingest_quarantine: ").And.Contain("ingest_unverified: ").And.Contain(RefusedMarker),
                "the refused copies are in the quarantine and the unverified sample");
            Assert.That(places["log"], Does.Contain(someId).And.Contain(" TicketReceivedConsumer: ").And.Contain(" TicketDelivery: "),
                "the services' log lines were captured (the shipped one-line format names each entry's class)");
            Assert.That(places["bus"], Does.Contain(":TicketReceived\"").And.Contain(":ProposeWrites\"").And.Contain("[IBAN_"),
                "the probe saw the tickets and proposals on the bus");
            Assert.That(places["span"], Does.Contain("ticket-received").Or.Contain("TicketReceived"), "the spans of the consumers were recorded");
        });
    }

    private const string RefusedMarker = "refused-copy";

    /// <summary>
    /// The same tickets refused, so their bodies are stored rather than published: every ticket without its id (JSON,
    /// 422), every tenth cut short (not JSON, 400), and one with a wrong signature (the unverified sample).
    /// </summary>
    private static async Task RefuseCopiesAsync(HttpClient client, IsolatedDatabase database, IReadOnlyList<CanaryTicket> tickets)
    {
        await Parallel.ForEachAsync(tickets.Select((t, i) => (t, i)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (item, ct) =>
        {
            var (ticket, i) = item;
            var json = Payload(ticket, id: null);
            using (var response = await client.SendAsync(SignedWebhooks.Generic("/webhooks/generic", json, $"msg_{RefusedMarker}_{ticket.Id}"), ct))
                Assert.That((int)response.StatusCode, Is.EqualTo(422), $"{ticket.Id} without an id");
            if (i % 10 != 0)
                return;
            using (var response = await client.SendAsync(SignedWebhooks.Generic("/webhooks/generic", json[..^1], $"msg_{RefusedMarker}_cut_{ticket.Id}"), ct))
                Assert.That((int)response.StatusCode, Is.EqualTo(400), $"{ticket.Id} cut short");
        });
        using var unsigned = await client.SendAsync(SignedWebhooks.Generic("/webhooks/generic", Payload(tickets[0], tickets[0].Id), $"msg_{RefusedMarker}_unsigned",
            secret: "whsec_" + Convert.ToBase64String("not the shared secret"u8.ToArray())));
        Assert.That((int)unsigned.StatusCode, Is.EqualTo(401), "a wrong signature");
        // The sample is written behind the answer.
        await Eventually.Until(() => database.ScalarAsync<long>("SELECT count(*) FROM ingest_unverified"), n => n > 0, TimeSpan.FromSeconds(10),
            "the unverified request sampled");
    }

    private static int Classified(BusProbe bus) => bus.Bodies
        .Where(b => b.Contains(":TicketClassified\"", StringComparison.Ordinal))
        .Select(b => ClassifierHost.Message(b).GetProperty("externalId").GetString())
        .Distinct().Count();

    private static string Payload(CanaryTicket ticket, string? id) => JsonSerializer.Serialize(new
    {
        type = "ticket.created",
        ticket = new
        {
            id,
            subject = ticket.Subject,
            body = ticket.Body,
            requester = new { name = "Canary Customer", email = "customer@example.org" },
            tags = new[] { "web" },
            status = "open",
            created_at = "2026-11-20T09:30:00Z",
        },
    });
}
