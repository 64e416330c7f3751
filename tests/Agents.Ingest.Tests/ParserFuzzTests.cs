using Agents.Ingest.Requests;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Agents.Contracts;
using Agents.Harness;
using Agents.Ingest.Normalization;
using Agents.Ingest.Sources;
using Agents.Ingest.Verification;
using Agents.Ingest.Webhooks;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// Property tests of every vendor's verification and parsing and of the normalizer, on payloads mutated from the real
/// ones (the project's fixtures, and ../shared/data's deliveries where present): whatever arrives, the answer is a
/// refusal or tickets that keep the contract, never an exception, never a 5xx (a sample of them over HTTP through a
/// real ingest). Each run draws new cases
/// (<c>AGENTS_FUZZ_SEED</c> repeats a run, <c>AGENTS_FUZZ_CASES</c> sets the count per source, default 10,000).
/// </summary>
[TestFixture]
public class ParserFuzzTests
{
    private const int MaxTextLength = 32 * 1024;
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("AGENTS_FUZZ_CASES"), out var n) ? n : 10_000;
    private static readonly int RunSeed = int.TryParse(Environment.GetEnvironmentVariable("AGENTS_FUZZ_SEED"), out var s) ? s : Environment.TickCount;

    public static IEnumerable<string> SourceNames() => IngestService.Sources().Select(t => ((IWebhookSource)Activator.CreateInstance(t)!).Name);

    [OneTimeSetUp]
    public void SharedDataUnderCi()
    {
        if (RepositoryPaths.SharedData is null && TestServers.RunningUnderCi)
            Assert.Fail("../shared/data is missing: under CI the fuzz cases are mutated from its real deliveries too.");
        TestContext.Out.WriteLine($"fuzz seed {RunSeed} (AGENTS_FUZZ_SEED={RunSeed} repeats this run), {Cases} cases per source");
    }

    [TestCaseSource(nameof(SourceNames))]
    public void Mutated_payloads_get_a_refusal_or_contract_keeping_tickets_and_never_an_exception(string sourceName)
    {
        var source = Deliveries.Source(sourceName);
        var seeds = SeedPayloads(sourceName);
        Assert.That(seeds, Is.Not.Empty, $"no payload of {sourceName} to mutate");
        var mutator = new PayloadMutator(seeds, HashCode.Combine(RunSeed, sourceName));
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        Parallel.For(0, Cases, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var payload = mutator.Mutate(i);
            var request = new WebhookRequest(sourceName, "POST", $"http://localhost/webhooks/{sourceName}", payload.Body, payload.Headers,
                DateTimeOffset.UtcNow);
            try
            {
                // What a stranger reaches first: verification, with the headers garbled too.
                source.Verify(request, new VerificationContext("fuzz-secret", new SourceOptions { Header = "x-webhook-secret" }, request.ReceivedAt,
                    TimeSpan.FromMinutes(5)));
                source.Challenge(request);
                var outcome = WebhookParser.Parse(source, request, MaxTextLength);
                statuses.AddOrUpdate(outcome.Status, 1, (_, c) => c + 1);
                if (outcome.Status is not (200 or 202 or 400 or 422))
                    failures.Enqueue(Describe(mutator, i, payload, $"status {outcome.Status}"));
                foreach (var broken in outcome.Tickets.SelectMany(t => ContractViolations(t, sourceName)))
                    failures.Enqueue(Describe(mutator, i, payload, broken));
            }
            catch (Exception e)
            {
                var where = e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("Agents.Ingest.", StringComparison.Ordinal))?.Trim();
                failures.Enqueue(Describe(mutator, i, payload, $"{e.GetType().Name}: {e.Message} ({where})"));
            }
        });
        TestContext.Out.WriteLine($"{sourceName}: {Cases} cases from {seeds.Count} payloads in {clock.Elapsed.TotalSeconds:0.0} s; "
            + string.Join(", ", statuses.OrderBy(x => x.Key).Select(x => $"{x.Key}: {x.Value}")));
        Assert.That(failures.Take(10), Is.Empty, $"{failures.Count} failing cases");
        Assert.That(statuses.GetValueOrDefault(202), Is.GreaterThan(Cases / 20), "the mutations leave enough payloads readable to exercise the normalizer");
    }

    [Test]
    public async Task Mutated_payloads_signed_and_sent_over_http_get_a_documented_answer_and_never_a_5xx()
    {
        // The same mutations through a real ingest (broker, database, publish, quarantine), fewer of them: what the
        // parser lets through must also survive the rest of the way.
        const int perSource = 30;
        await using var host = await IngestHost.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Agents"] = "Error" });
        var wrong = new ConcurrentQueue<string>();
        foreach (var sourceName in SourceNames())
        {
            var mutator = new PayloadMutator(SeedPayloads(sourceName), HashCode.Combine(RunSeed, sourceName, "http"));
            await Parallel.ForEachAsync(Enumerable.Range(0, perSource), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                var payload = mutator.Mutate(i);
                using var request = VendorRequests.SignedBytes(sourceName, payload.Body, host.Service.Address, eventId: $"fuzz-{RunSeed}-{i}");
                using var response = await host.Client.SendAsync(request, ct);
                if ((int)response.StatusCode is not (200 or 202 or 400 or 413 or 422))
                    wrong.Enqueue(Describe(mutator, i, payload, $"{sourceName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}"));
            });
        }
        Assert.That(wrong.Take(5), Is.Empty, $"{wrong.Count} answers outside the documented ones");
        Assert.That(host.Errors.Entries, Is.Empty, "errors or exceptions logged by the service");
    }

    [Test]
    public void Random_drafts_are_normalized_or_refused_and_never_throw()
    {
        var failures = new ConcurrentQueue<string>();
        string?[] dates = ["2026-11-20T09:30:00Z", "1772533000", "1772533000123", "-5", "1e400", "February 3, 2025", "2017-12-14 20:09:19 +0530", "", "0", null];
        Parallel.For(0, Cases, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var random = new Random(HashCode.Combine(RunSeed, i));
            var draft = new TicketDraft
            {
                ExternalId = Text(random, 300),
                EventKind = Text(random, 40) ?? "",
                EventId = Text(random, 300),
                Subject = Text(random, 800),
                Body = Text(random, 300),
                BodyIsHtml = random.Next(3) switch { 0 => true, 1 => false, _ => null },
                RequesterName = Text(random, 60),
                RequesterEmail = Text(random, 400),
                Priority = Text(random, 20),
                VendorStatus = Text(random, 20),
                Tags = Enumerable.Range(0, random.Next(70)).Select(_ => Text(random, 30) ?? "").ToList(),
                CreatedAt = Date(random, dates),
                UpdatedAt = Date(random, dates),
                NeedsHydration = random.Next(5) == 0,
            };
            try
            {
                var ticket = TicketNormalizer.Normalize(draft, "generic", DateTimeOffset.UtcNow, 2_000, out var refusal);
                if (ticket is null && string.IsNullOrEmpty(refusal))
                    failures.Enqueue($"case {i}: refused without a reason");
                foreach (var violation in ticket is null ? [] : ContractViolations(ticket, "generic", maxText: 2_000))
                    failures.Enqueue($"case {i}: {violation}");
            }
            catch (Exception e)
            {
                failures.Enqueue($"case {i}: {e.GetType().Name}: {e.Message}");
            }
        });
        Assert.That(failures.Take(10), Is.Empty, $"{failures.Count} failing drafts (seed {RunSeed})");
    }

    /// <summary>What every published ticket promises downstream, however odd its payload was.</summary>
    private static IEnumerable<string> ContractViolations(TicketReceived t, string source, int maxText = MaxTextLength)
    {
        if (t.Source != source) yield return $"source {t.Source}";
        if (t.ExternalId.Length is 0 or > TicketNormalizer.MaxIdLength) yield return $"external id of {t.ExternalId.Length} characters";
        if (t.DeliveryId.Length is 0 or > TicketNormalizer.MaxIdLength + 4) yield return $"delivery id of {t.DeliveryId.Length} characters";
        if (t.EventKind.Length == 0) yield return "no event kind";
        if (t.Subject.Length > TicketNormalizer.MaxSubjectLength) yield return $"subject of {t.Subject.Length} characters";
        if (t.Body.Length > maxText) yield return $"body of {t.Body.Length} characters";
        if (t.Tags.Count > TicketNormalizer.MaxTags || t.Tags.Any(tag => tag.Length == 0)) yield return "tags out of bounds";
        foreach (var (name, text) in new[] { ("external id", t.ExternalId), ("delivery id", t.DeliveryId), ("event kind", t.EventKind),
                     ("subject", t.Subject), ("body", t.Body) })
            if (Unclean(text, allowLineBreaks: name == "body")) yield return $"{name} holds a control character or a lone surrogate";
        string? json = null, unserializable = null;
        try
        {
            json = JsonSerializer.Serialize(t);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            unserializable = e.Message;
        }
        if (unserializable is not null)
            yield return $"not serializable: {unserializable}";
        if (json?.Contains("\\u0000", StringComparison.Ordinal) == true) yield return "a NUL would travel (PostgreSQL refuses it)";
    }

    /// <summary>A control character (line breaks aside where allowed) or a surrogate without its pair, in one pass.</summary>
    private static bool Unclean(string text, bool allowLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(c) || (char.IsControl(c) && !(allowLineBreaks && c == '\n')))
                return true;
        }
        return false;
    }

    /// <summary>The source's fixtures, plus its real deliveries in ../shared/data/webhooks when present (read in place).</summary>
    private static List<byte[]> SeedPayloads(string source)
    {
        var folders = new List<string> { Path.Combine(AppContext.BaseDirectory, "Fixtures") };
        if (RepositoryPaths.SharedData is { } data)
            folders.Add(Path.Combine(data, "webhooks"));
        return folders.Where(Directory.Exists)
            .SelectMany(f => Directory.GetFiles(f, "*.json"))
            .Where(f => !f.EndsWith("_test_vectors.json", StringComparison.Ordinal) && Fixtures.SourceOf(f) == source)
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToList();
    }

    private static string Describe(PayloadMutator mutator, int index, MutatedPayload payload, string what) =>
        $"case {index} (seed {mutator.Seed}): {what}; {payload.Steps}; headers {JsonSerializer.Serialize(payload.Headers)}; "
        + $"body {(payload.Body.Length <= 2_000 ? Encoding.UTF8.GetString(payload.Body) : $"of {payload.Body.Length} bytes")}";

    private static string? Text(Random random, int max) => random.Next(8) switch
    {
        0 => null,
        1 or 2 => BadInputCorpus.NaughtyStrings[random.Next(BadInputCorpus.NaughtyStrings.Length)],
        _ => PayloadMutator.RandomText(random, max),
    };

    private static JsonElement? Date(Random random, string?[] dates)
    {
        var pick = dates[random.Next(dates.Length)];
        if (pick is null)
            return null;
        var json = random.Next(2) == 0 && double.TryParse(pick, System.Globalization.CultureInfo.InvariantCulture, out _) ? pick : JsonSerializer.Serialize(pick);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
