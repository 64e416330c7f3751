using Agents.Contracts;
using Agents.Harness;
using Agents.Replay;
using Agents.ServiceDefaults.Shadow;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>
/// The replay on the real labelled file (../shared/data/tickets/multilang_dev.csv: the queue and priority people chose)
/// builds the same shadow report as live traffic: its figures agree with the replay's own accuracy count.
/// </summary>
public class ShadowReplayTests
{
    [Test]
    public async Task Labelled_file_gives_the_shadow_report_per_kind_with_the_replays_accuracy()
    {
        var tickets = ReplayInput.Read(SharedDataFile.Require("tickets/multilang_dev.csv")).Take(300).ToList();
        await using var runner = new ReplayRunner(new ConfigurationBuilder().Build());
        var results = new List<ReplayResult>();
        foreach (var t in tickets)
            results.Add(await runner.ClassifyAsync(t, CancellationToken.None));
        var replay = new ReplayReport(results);
        var accuracy = replay.Accuracy().ToDictionary(a => a.Field);

        var report = ShadowReplay.Report(replay);
        var kinds = report.Kinds.ToDictionary(k => k.Kind);
        Assert.Multiple(() =>
        {
            Assert.That(kinds.Keys, Is.EquivalentTo(new[] { WriteKinds.SetCategory, WriteKinds.SetPriority }));
            var priority = kinds[WriteKinds.SetPriority].Stats;
            Assert.That(priority.Proposals, Is.EqualTo(300));
            Assert.That(priority.Judged, Is.EqualTo(accuracy["priority"].Labelled));
            Assert.That(priority.Agreed, Is.EqualTo(accuracy["priority"].Correct), "one comparison: the replay's accuracy is the shadow agreement");
            Assert.That(kinds[WriteKinds.SetCategory].Stats.Agreed, Is.EqualTo(accuracy["category"].Correct));
            Assert.That(priority.Low, Is.LessThanOrEqualTo(priority.Agreement!.Value).And.GreaterThan(0));
            Assert.That(priority.High, Is.GreaterThanOrEqualTo(priority.Agreement!.Value).And.LessThan(1));
            Assert.That(kinds[WriteKinds.SetPriority].Languages.Select(l => l.Language), Is.SupersetOf(new[] { "de", "en" }));
            Assert.That(kinds[WriteKinds.SetPriority].Confusion.Sum(c => c.Count), Is.EqualTo(priority.Judged));
        });
        var markdown = ShadowReportMarkdown.Render(report);
        Assert.That(markdown, Does.Contain("## set-priority: ").And.Contain("| agent \\ people |").And.Contain("Suggestion: set-priority"));
        TestContext.Out.WriteLine(markdown);
    }
}
