using System.Net;
using System.Text.Json;
using Agents.Contracts;
using Agents.Harness;
using Agents.Ingest;
using Agents.Ingest.Persistence;
using Agents.ServiceDefaults;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>
/// Two ingest and two classifier instances on one broker and database, every delivery sent to both ingests at the
/// same moment: ingest may publish both copies (its duplicate check is per instance until the first is recorded),
/// and the classifiers still publish each delivery's outcome once.
/// </summary>
[TestFixture]
public class DeliveryRaceTests
{
    [Test]
    public async Task A_thousand_deliveries_each_sent_twice_to_two_ingests_get_one_outcome_each()
    {
        const int tickets = 1000;
        await using var servers = await IsolatedServers.CreateAsync();
        await using var llm = await FakeLlmServer.StartAsync(r => r.UserText.Contains("outage", StringComparison.Ordinal)
            ? FakeLlmServer.ClassificationJson(priority: "urgent", confidence: 0.95)
            : FakeLlmServer.ClassificationJson());
        await using var outcomes = await BusProbe.StartAsync(servers.Broker, typeof(TicketClassified), typeof(TicketEscalated), typeof(ProposeWrites));
        await using var received = await BusProbe.StartAsync(servers.Broker, typeof(TicketReceived));
        var quiet = new Dictionary<string, string?> { ["Logging:LogLevel:Agents"] = "Warning" };
        await using var classifierA = await ClassifierHost.StartAsync(servers, llm, quiet);
        await using var classifierB = await ClassifierHost.StartAsync(servers, llm, quiet);
        await using var ingestA = await ClassifierHost.StartIngestAsync(servers, new Dictionary<string, string?> { ["Ingest:RateLimit:PermitsPerSecond"] = "100000" });
        await using var ingestB = await ClassifierHost.StartIngestAsync(servers, new Dictionary<string, string?> { ["Ingest:RateLimit:PermitsPerSecond"] = "100000" });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, tickets), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var body = JsonSerializer.Serialize(new
            {
                type = "ticket.created",
                ticket = new { id = $"RACE-{i}", subject = $"Ticket {i}", body = i % 4 == 0 ? $"Total outage of site {i} since noon." : $"Export {i} fails with an error." },
            });
            using var toA = SignedWebhooks.Generic("/webhooks/generic", body, $"race-{i}");
            using var toB = SignedWebhooks.Generic("/webhooks/generic", body, $"race-{i}");
            var answers = await Task.WhenAll(ingestA.Client.SendAsync(toA, ct), ingestB.Client.SendAsync(toB, ct));
            Assert.That(answers.Select(a => a.StatusCode), Is.All.AnyOf(HttpStatusCode.Accepted, HttpStatusCode.OK));
        });

        var sent = clock.Elapsed;
        await Eventually.Until(() => Task.FromResult(Verdicts().Count), n => n >= tickets, TimeSpan.FromSeconds(120), $"{tickets} verdicts");
        var classified = clock.Elapsed;
        // Late copies would show up now: wait until nothing more arrives for a while.
        var settled = outcomes.Count;
        do
        {
            settled = outcomes.Count;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        while (outcomes.Count != settled);

        TestContext.Out.WriteLine($"ingest published {received.Count} TicketReceived for {tickets} deliveries; LLM calls {llm.CallCount}; "
            + $"sent in {sent.TotalSeconds:0.0} s, all classified after {classified.TotalSeconds:0.0} s");
        Assert.That(received.Count, Is.GreaterThan(tickets), "the race happened: both ingests published some deliveries");
        var messages = ClassifierHost.Outcomes(outcomes.Bodies);
        var doubled = messages
            .GroupBy(m => (m.Type, Key: Key(m.Message)))
            .Where(g => g.Count() > 1).Select(g => $"{g.Key.Type} {g.Key.Key} x{g.Count()}").ToList();
        Assert.That(doubled, Is.Empty, "an outcome published more than once");
        Assert.That(Verdicts(), Has.Count.EqualTo(tickets));
        var escalated = Of("TicketEscalated").Select(m => m.GetProperty("externalId").GetString()).ToHashSet();
        var proposed = Of("ProposeWrite").Select(m => m.GetProperty("externalId").GetString()).ToHashSet();
        Assert.That(escalated, Has.Count.EqualTo(tickets / 4));
        Assert.That(escalated.Union(proposed).Count(), Is.EqualTo(tickets), "every ticket escalated or proposed");
        Assert.That(escalated.Intersect(proposed), Is.Empty, "never both");
        // Drafts are not cached by content as classifications are: a copy racing the winner may draft too (its draft
        // is never published, as the duplicates check above shows). Classifications stay at one call per content.
        Assert.That(llm.Requests.Count(r => !r.SystemText.Contains("You draft", StringComparison.Ordinal)), Is.EqualTo(tickets),
            "one classification call per content");

        List<JsonElement> Verdicts() => outcomes.Bodies.Where(b => b.Contains("TicketClassified", StringComparison.Ordinal)).ToList()
            .Select(b => JsonDocument.Parse(b).RootElement.GetProperty("message")).ToList();
        IEnumerable<JsonElement> Of(string type) => messages.Where(m => m.Type == type).Select(m => m.Message);
    }

    private static string Key(JsonElement message) =>
        message.GetProperty("externalId").GetString() + (message.TryGetProperty("kind", out var kind) ? "/" + kind.GetString() : "");
}
