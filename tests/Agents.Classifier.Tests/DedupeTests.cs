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
}
