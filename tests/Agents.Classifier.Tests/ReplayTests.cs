using Agents.Replay;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>The replay tool's input, classification and report, on fixtures the test writes itself.</summary>
public class ReplayTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "replay-" + Guid.NewGuid().ToString("N")[..8]));

    [TearDown]
    public void RemoveDir() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Replays_a_labelled_csv_without_writing_and_reports_accuracy_and_confusion()
    {
        var csv = Path.Combine(_dir, "tickets.csv");
        await File.WriteAllTextAsync(csv, """
            subject,body,queue,priority,language
            Invoice charged twice,"My invoice shows a double charge, please refund ""the second"" payment.
            Thanks",Billing and Payments,medium,en
            ,"Die Rechnung enthält eine doppelte Abbuchung, bitte um Erstattung.",Billing and Payments,medium,de
            Urgent: server down,"Critical outage, production servers are down since this morning.",Technical Support,high,en

            """);
        var tickets = ReplayInput.Read(csv);
        Assert.That(tickets, Has.Count.EqualTo(3));
        Assert.That(tickets[0].Body, Does.Contain("\"the second\"").And.Contain("\nThanks"), "quoted fields keep quotes and line breaks");

        await using var runner = new ReplayRunner(new ConfigurationBuilder().Build());
        Assert.That(runner.Classifier.UsesLlm, Is.False);
        var results = new List<ReplayResult>();
        foreach (var t in tickets)
            results.Add(await runner.ClassifyAsync(t, CancellationToken.None));
        var report = new ReplayReport(results);

        var accuracy = report.Accuracy().ToDictionary(a => a.Field);
        Assert.That(accuracy["language"].Accuracy, Is.EqualTo(1.0));
        Assert.That(accuracy["category"].Correct, Is.EqualTo(3));
        Assert.That(accuracy["priority"].Labelled, Is.EqualTo(3));
        var markdown = report.Markdown(csv, usedLlm: false);
        Assert.That(markdown, Does.Contain("## category: 100.0 % (3/3)").And.Contain("| expected \\ actual |"));
        var perTicket = report.Csv().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(perTicket, Has.Length.EqualTo(4));
        Assert.That(report.Csv(), Does.Not.Contain("double charge"), "the per-ticket report carries no ticket text");
    }

    [Test]
    public async Task Replays_json_without_labels()
    {
        var json = Path.Combine(_dir, "tickets.json");
        await File.WriteAllTextAsync(json, """[{"id":"a","subject":"Refund","body":"Please refund my payment"},{"id":"b","body":"El pedido llegó dañado"}]""");
        var tickets = ReplayInput.Read(json);
        Assert.That(tickets.Select(t => t.Id), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(tickets.Any(t => t.HasLabels), Is.False);

        await using var runner = new ReplayRunner(new ConfigurationBuilder().Build());
        var result = await runner.ClassifyAsync(tickets[1], CancellationToken.None);
        Assert.That(result.Classification.Language, Is.EqualTo("es"));
        Assert.That(new ReplayReport([result]).Accuracy(), Is.Empty);
    }
}
