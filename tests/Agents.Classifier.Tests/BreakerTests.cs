using Agents.Classifier.Llm;
using Agents.Harness;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>MassTransit's breaker around the LLM call, in process against the fake LLM.</summary>
public class BreakerTests
{
    [TestCase(FakeLlmMode.ServerError)]
    [TestCase(FakeLlmMode.HtmlPage)]
    [TestCase(FakeLlmMode.EmptyBody)]
    [TestCase(FakeLlmMode.RetryAfterNaN)]
    public async Task A_sustained_outage_opens_the_breaker_after_the_configured_failures_and_stops_calling(FakeLlmMode mode)
    {
        await using var llm = await FakeLlmServer.StartAsync();
        llm.Mode = mode;
        await using var classifier = await InProcessClassifier.StartAsync(llm, new Dictionary<string, string?>
        {
            ["Classifier:Breaker:ActiveThreshold"] = "5",
            ["Classifier:Breaker:TripThreshold"] = "50",
            ["Classifier:Breaker:ResetInterval"] = "00:01:00", // stays open for the whole test
            // The outage answers at once; the 3 s of the shared settings is for tests of slow answers. With it, the
            // first case's first call (the LLM client's cold start) timed out on a loaded machine before its request
            // reached the server: a failure the breaker counted and the server did not (5 calls seen, not 6).
            ["Classifier:Llm:Timeout"] = "00:01:00",
        });

        for (var i = 0; i < 30; i++)
        {
            var result = await classifier.ClassifyAsync(InProcessClassifier.Ticket($"o{i}", "Server error", $"The API returns 500 number {i}"));
            Assert.That(result.Classification.ClassifiedBy, Is.EqualTo("rules"));
        }

        // It trips once attempts exceed ActiveThreshold with at least TripThreshold percent failed: the sixth call.
        Assert.That(llm.CallCount, Is.EqualTo(6));
        Assert.That(classifier.Breaker.State, Is.EqualTo(BreakerState.Open));
        Assert.That(classifier.Measured("agents.classifier.breaker.transitions", "state=open"), Is.EqualTo(1));
        Assert.That(classifier.Measured("agents.classifier.classifications", "classified_by=rules"), Is.EqualTo(30));
    }

    [Test]
    public async Task Half_open_probes_one_call_at_a_time_and_recovery_closes_the_breaker()
    {
        await using var llm = await FakeLlmServer.StartAsync();
        llm.Mode = FakeLlmMode.ServerError;
        llm.Delay = TimeSpan.FromMilliseconds(20);
        await using var classifier = await InProcessClassifier.StartAsync(llm, new Dictionary<string, string?>
        {
            ["Classifier:Breaker:ActiveThreshold"] = "5",
            ["Classifier:Breaker:ResetInterval"] = "00:00:00.200",
        });

        // 200 tickets, 16 at a time, during the outage.
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var result = await classifier.ClassifyAsync(InProcessClassifier.Ticket($"p{i}", "Error", $"Ticket {i} fails"));
            Assert.That(result.Classification.ClassifiedBy, Is.EqualTo("rules"));
        });
        var halfOpens = classifier.Measured("agents.classifier.breaker.transitions", "state=half_open");
        Assert.That(classifier.Breaker.ProbeCalls, Is.EqualTo(halfOpens), "every half-open lets exactly one probe through");
        Assert.That(llm.CallCount - classifier.Breaker.ProbeCalls, Is.LessThanOrEqualTo(6 + 15), "before the trip: threshold + calls already in flight");

        llm.Mode = FakeLlmMode.Answer;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var n = 0;
        while (classifier.Breaker.State != BreakerState.Closed && DateTime.UtcNow < deadline)
        {
            await classifier.ClassifyAsync(InProcessClassifier.Ticket($"r{n++}", "Error", $"Recovery ticket {n}"));
            await Task.Delay(20);
        }
        Assert.That(classifier.Breaker.State, Is.EqualTo(BreakerState.Closed));
        Assert.That(classifier.Measured("agents.classifier.breaker.transitions", "state=closed"), Is.EqualTo(1));
        var after = await classifier.ClassifyAsync(InProcessClassifier.Ticket("after", "Error", "After recovery"));
        Assert.That(after.Classification.ClassifiedBy, Is.EqualTo("llm"));
    }
}
