using Agents.Harness;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>The content-hash cache on real PostgreSQL, shared by two classifier instances.</summary>
public class DedupeTests
{
    [Test]
    public async Task Five_deliveries_of_1000_tickets_across_two_instances_make_exactly_1000_llm_calls()
    {
        await using var database = await IsolatedDatabase.CreateAsync();
        await using var llm = await FakeLlmServer.StartAsync();
        llm.Delay = TimeSpan.FromMilliseconds(5); // long enough for duplicates to overlap with the first call
        var settings = new Dictionary<string, string?> { ["Classifier:Llm:Timeout"] = "00:00:10" };
        await using var a = await InProcessClassifier.StartAsync(llm, settings, database.ConnectionString);
        await using var b = await InProcessClassifier.StartAsync(llm, settings, database.ConnectionString);

        var deliveries = Enumerable.Range(0, 1000)
            .SelectMany(i => Enumerable.Range(0, 5).Select(copy => (Ticket: i, Copy: copy)))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();
        await Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (d, _) =>
        {
            var instance = (d.Ticket + d.Copy) % 2 == 0 ? a : b;
            var result = await instance.ClassifyAsync(InProcessClassifier.Ticket($"t{d.Ticket}", $"Ticket {d.Ticket}",
                $"The export of report {d.Ticket} fails with an error."));
            Assert.That(result.Classification.ClassifiedBy, Is.EqualTo("llm"));
        });

        Assert.That(llm.CallCount, Is.EqualTo(1000));
        var hits = a.Measured("agents.classifier.llm.cache_hits") + b.Measured("agents.classifier.llm.cache_hits");
        Assert.That(hits, Is.EqualTo(4000));
        Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM classifier_cache"), Is.EqualTo(1000));
    }

    [Test]
    public async Task A_rules_answer_given_while_the_llm_failed_is_the_answer_for_every_later_copy()
    {
        await using var database = await IsolatedDatabase.CreateAsync();
        await using var llm = await FakeLlmServer.StartAsync(_ =>
            FakeLlmServer.ClassificationJson("Billing and Payments", "low", "neutral", "en", 0.99, "confident LLM answer"));
        await using var a = await InProcessClassifier.StartAsync(llm, null, database.ConnectionString);
        await using var b = await InProcessClassifier.StartAsync(llm, null, database.ConnectionString);
        var ticket = InProcessClassifier.Ticket("t1", "Cannot log in", "URGENT: the whole team is locked out since this morning.");

        llm.Mode = FakeLlmMode.ServerError;
        var first = await a.ClassifyAsync(ticket);
        Assert.That(first.Classification.ClassifiedBy, Is.EqualTo("rules"), "the LLM failed, so the rules answered");
        var callsWhileDown = llm.CallCount;
        Assert.That(callsWhileDown, Is.GreaterThan(0), "the LLM was tried");

        // The LLM is back (and would now say something else); a duplicate on another instance still gets the first answer.
        llm.Mode = FakeLlmMode.Answer;
        var second = await b.ClassifyAsync(ticket with { DeliveryId = "another-delivery" });
        Assert.That(llm.CallCount, Is.EqualTo(callsWhileDown), "the LLM is not called for a copy");
        Assert.That(Json(second.Classification), Is.EqualTo(Json(first.Classification)));
        Assert.That((second.EscalationKind, second.EscalationReason), Is.EqualTo((first.EscalationKind, first.EscalationReason)));
        Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM classifier_cache WHERE \"Model\" = 'rules-fallback'"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_rules_answer_stands_only_for_its_ttl_then_the_llm_classifies_again()
    {
        await using var database = await IsolatedDatabase.CreateAsync();
        await using var llm = await FakeLlmServer.StartAsync(_ =>
            FakeLlmServer.ClassificationJson("Billing and Payments", "low", "neutral", "en", 0.99, "confident LLM answer"));
        var settings = new Dictionary<string, string?> { ["Classifier:Llm:FallbackAnswerTtl"] = "00:00:00" };
        await using var classifier = await InProcessClassifier.StartAsync(llm, settings, database.ConnectionString);
        var ticket = InProcessClassifier.Ticket("t1", "Invoice question", "Why was I charged twice this month?");

        llm.Mode = FakeLlmMode.ServerError;
        Assert.That((await classifier.ClassifyAsync(ticket)).Classification.ClassifiedBy, Is.EqualTo("rules"));
        llm.Mode = FakeLlmMode.Answer;
        var later = await classifier.ClassifyAsync(ticket);
        Assert.That(later.Classification.ClassifiedBy, Is.EqualTo("llm"), "an expired fallback answer is replaced");
        Assert.That((await classifier.ClassifyAsync(ticket)).Classification.ClassifiedBy, Is.EqualTo("llm"), "and the LLM answer is kept");
        Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM classifier_cache"), Is.EqualTo(1));
    }

    [Test]
    public async Task No_transaction_or_lock_is_held_while_the_llm_answers_and_a_copy_waits_for_its_answer()
    {
        await using var database = await IsolatedDatabase.CreateAsync();
        await using var llm = await FakeLlmServer.StartAsync();
        llm.Delay = TimeSpan.FromSeconds(2);
        var settings = new Dictionary<string, string?> { ["Classifier:Llm:Timeout"] = "00:00:10" };
        await using var a = await InProcessClassifier.StartAsync(llm, settings, database.ConnectionString);
        await using var b = await InProcessClassifier.StartAsync(llm, settings, database.ConnectionString);
        var ticket = InProcessClassifier.Ticket("slow", "Export fails", "The nightly export fails with an error.");

        var first = a.ClassifyAsync(ticket);
        await Eventually.Until(() => Task.FromResult(llm.InFlight), n => n == 1, TimeSpan.FromSeconds(10), "the LLM call under way");
        var copy = b.ClassifyAsync(ticket with { DeliveryId = "copy" });
        for (var i = 0; i < 5 && llm.InFlight == 1; i++)
        {
            // Another session's view, as an operator (or PostgreSQL's idle_in_transaction_session_timeout) sees it.
            Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"), Is.Zero, "a transaction left open across the LLM call");
            Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                + "WHERE d.datname = current_database() AND l.locktype = 'advisory'"), Is.Zero, "an advisory lock held across the LLM call");
            await Task.Delay(200);
        }

        Assert.That((await first).Classification.ClassifiedBy, Is.EqualTo("llm"));
        Assert.That((await copy).Classification.ClassifiedBy, Is.EqualTo("llm"));
        Assert.That(llm.CallCount, Is.EqualTo(1), "the copy waited for the first call's answer");
        Assert.That(b.Measured("agents.classifier.llm.cache_hits"), Is.EqualTo(1));
        Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM classifier_leases"), Is.Zero, "the lease is gone with the answer");
    }

    [Test]
    public async Task A_lease_whose_holder_died_runs_out_and_a_copy_takes_over()
    {
        await using var database = await IsolatedDatabase.CreateAsync();
        await using var llm = await FakeLlmServer.StartAsync();
        await using var classifier = await InProcessClassifier.StartAsync(llm, null, database.ConnectionString);
        var ticket = InProcessClassifier.Ticket("orphan", "Export fails", "The nightly export fails with an error.");
        var hash = Pipeline.ContentHash.Of(ticket.Subject, ticket.Body, "fake-model", classifier.Classifier.Taxonomy);
        // An instance claimed this content and died mid-call: its lease has a second left to run.
        await database.ScalarAsync<int>($"INSERT INTO classifier_leases VALUES ('{hash}', gen_random_uuid(), now() + interval '1 second'); SELECT 1");

        var started = DateTime.UtcNow;
        var result = await classifier.ClassifyAsync(ticket);
        Assert.That(result.Classification.ClassifiedBy, Is.EqualTo("llm"));
        Assert.That(DateTime.UtcNow - started, Is.GreaterThan(TimeSpan.FromMilliseconds(700)), "it waited for the lease to run out");
        Assert.That(llm.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_failed_classification_releases_its_lease_at_once()
    {
        await using var database = await IsolatedDatabase.CreateAsync();
        await using var llm = await FakeLlmServer.StartAsync();
        await using var classifier = await InProcessClassifier.StartAsync(llm, null, database.ConnectionString);
        var cache = classifier.Services.GetRequiredService<Persistence.IClassificationCache>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetOrClassifyAsync("h-fails",
            _ => throw new InvalidOperationException("database went away mid-ticket"), CancellationToken.None));
        Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM classifier_leases"), Is.Zero, "released, not left to run out");
        var (again, hit) = await cache.GetOrClassifyAsync("h-fails", _ => Task.FromResult(new Persistence.CacheableClassification(
            new Contracts.Classification { Category = "c", Priority = "low", Sentiment = "neutral", Language = "en", Confidence = 1, ClassifiedBy = "llm" }, "m")),
            CancellationToken.None);
        Assert.That((again.Category, hit), Is.EqualTo(("c", false)), "the retry classifies at once");
    }

    private static string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value);
}
