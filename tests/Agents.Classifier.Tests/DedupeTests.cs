using Agents.Testing;
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

    private static string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value);
}
