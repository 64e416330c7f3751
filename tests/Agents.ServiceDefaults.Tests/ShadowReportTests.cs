using Agents.ServiceDefaults.Shadow;

namespace Agents.ServiceDefaults.Tests;

/// <summary>The shadow report's arithmetic: the Wilson interval against published values, the threshold and the suggestion.</summary>
[TestFixture]
public class ShadowReportTests
{
    // Wilson 95 % intervals as tabulated (Newcombe 1998; Brown, Cai and DasGupta 2001).
    [TestCase(0, 10, 0.0, 0.2775)]
    [TestCase(5, 10, 0.2366, 0.7634)]
    [TestCase(10, 10, 0.7225, 1.0)]
    [TestCase(1, 29, 0.0061, 0.1718)]
    [TestCase(15, 148, 0.0624, 0.1605)]
    [TestCase(81, 263, 0.2553, 0.3662)]
    public void Wilson_interval_matches_published_values(int successes, int trials, double low, double high)
    {
        var interval = WilsonInterval.Of(successes, trials);
        Assert.That(interval.Low, Is.EqualTo(low).Within(0.0001));
        Assert.That(interval.High, Is.EqualTo(high).Within(0.0001));
    }

    [Test]
    public void No_trials_say_nothing_and_impossible_counts_are_refused()
    {
        Assert.That(WilsonInterval.Of(0, 0), Is.EqualTo(new WilsonInterval(0, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonInterval.Of(3, 2));
    }

    [Test]
    public void Threshold_is_the_lowest_confidence_reaching_the_precision_and_the_suggestion_names_the_policy_lines()
    {
        // 40 confident proposals people agreed with (0.90–0.99), 40 unsure ones they mostly did not (0.50–0.59), and
        // 20 nobody touched: from 0.90 up agreement is 100 % over 40; at 98 % no lower floor holds.
        var observations = new List<ShadowObservation>();
        for (var i = 0; i < 40; i++)
            observations.Add(new("set-priority", i % 2 == 0 ? "zendesk" : "jira", "en", 0.90 + i / 400.0, "high", "high", ShadowOutcome.Agreed));
        for (var i = 0; i < 40; i++)
            observations.Add(new("set-priority", "zendesk", "de", 0.50 + i / 400.0, "high", i < 10 ? "high" : "low",
                i < 10 ? ShadowOutcome.Agreed : ShadowOutcome.Disagreed));
        for (var i = 0; i < 20; i++)
            observations.Add(new("set-priority", "zendesk", "en", 0.95, "low", null, ShadowOutcome.NoHumanAction));

        var kind = ShadowReportBuilder.Build(observations, precision: 0.98).Kinds.Single();
        Assert.Multiple(() =>
        {
            Assert.That(kind.Stats, Is.EqualTo(new AgreementStats(100, 50, 30, 20, 50 / 80.0, WilsonInterval.Of(50, 80).Low, WilsonInterval.Of(50, 80).High)));
            Assert.That(kind.Threshold!.MinConfidence, Is.EqualTo(0.90).Within(1e-9));
            Assert.That(kind.Threshold.Judged, Is.EqualTo(40));
            Assert.That(kind.Threshold.Coverage, Is.EqualTo(0.60), "40 judged + 20 untouched of 100 proposals are at 0.90 or more");
            Assert.That(kind.Graduation.Text, Does.StartWith("set-priority from confidence 0.90: 100% agreement over 40 tickets"));
            Assert.That(kind.Graduation.PolicyLines, Is.EqualTo("      write:set-priority: { allowed: true, mode: auto, auto_approve_min_confidence: 0.90 }"));
            Assert.That(kind.Confusion, Is.EqualTo(new[] { new ConfusionCell("high", "high", 50), new ConfusionCell("high", "low", 30) }));
            Assert.That(kind.Sources.Select(s => (s.Source, s.Stats.Proposals)), Is.EqualTo(new[] { ("jira", 20), ("zendesk", 80) }));
            Assert.That(kind.Languages.Single(l => l.Language == "de").Stats.Agreement, Is.EqualTo(0.25));
            Assert.That(kind.ConfidenceBands.Select(b => (b.Band, b.Stats.Proposals)), Is.EqualTo(new[] { ("0.5–0.6", 40), ("0.9–1.0", 60) }));
        });

        // At 95 % two disagreements may join the 40 agreements: the floor goes down to 0.595 and covers more traffic.
        var lower = ShadowReportBuilder.Build(observations).Kinds.Single().Threshold!;
        Assert.That(lower.MinConfidence, Is.EqualTo(0.595).Within(1e-9));
        Assert.That((lower.Judged, lower.Agreement, lower.Coverage), Is.EqualTo((42, 40 / 42.0, 0.62)));
        var tooFew = ShadowReportBuilder.Build(observations.Take(10)).Kinds.Single();
        Assert.That(tooFew.Threshold, Is.Null);
        Assert.That(tooFew.Graduation.PolicyLines, Is.Null);
        Assert.That(tooFew.Graduation.Text, Does.Contain("keep in shadow: 10 judged proposals so far, 30 needed"));
    }
}
