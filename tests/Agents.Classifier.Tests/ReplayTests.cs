using System.CommandLine;
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
        Assert.That(markdown, Does.Contain("## category: 100.0 % (3/3), goal 50 %: met").And.Contain("| expected \\ actual |"));
        Assert.That(accuracy["priority"].GoalText, Is.EqualTo(accuracy["priority"].Accuracy >= 0.6 ? "60 %: met" : "60 %: not met"));
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

    [TestCase("--input f.csv --dry-run --rows 351-700", 351, 700)]
    [TestCase("--input f.csv --dry-run", 1, int.MaxValue)]
    public void Rows_select_a_part_of_the_file_by_position(string line, int from, int to)
    {
        var (arguments, error) = ReplayArguments.Parse(line.Split(' '));
        Assert.That(error, Is.Null);
        Assert.That((arguments!.FromRow, arguments.ToRow), Is.EqualTo((from, to)));
        var tickets = Enumerable.Range(1, 800).Select(n => new ReplayTicket(n.ToString(), "s", "b", null, null, null)).ToList();
        var selected = arguments.Select(tickets);
        Assert.That(selected[0].Id, Is.EqualTo(from.ToString()));
        Assert.That(selected, Has.Count.EqualTo(Math.Min(to, 800) - from + 1));
    }

    [Test]
    public async Task A_report_beside_the_input_never_overwrites_it_and_an_unreadable_file_is_a_usage_error()
    {
        // --report tickets.md puts the per-ticket CSV at tickets.csv: the input itself.
        var csv = Path.Combine(_dir, "tickets.csv");
        const string Tickets = "subject,body\nRefund,Please refund my payment\n";
        await File.WriteAllTextAsync(csv, Tickets);
        var error = new StringWriter();
        var code = await CommandLineExit.RunAsync(ReplayCommand.Root(() => new ConfigurationBuilder().Build()),
            ["--input", csv, "--dry-run", "--report", Path.Combine(_dir, "tickets.md")], new InvocationConfiguration { Output = TextWriter.Null, Error = error });
        Assert.That(await File.ReadAllTextAsync(csv), Is.EqualTo(Tickets), "the input is untouched");
        Assert.That((code, error.ToString()), Is.EqualTo((2, $"The per-ticket CSV would overwrite the input {csv}: name the report otherwise (--report).\n")));

        var noText = Path.Combine(_dir, "labels.csv");
        await File.WriteAllTextAsync(noText, "queue,priority\nBilling,low\n");
        error = new StringWriter();
        code = await CommandLineExit.RunAsync(ReplayCommand.Root(() => new ConfigurationBuilder().Build()),
            ["--input", noText, "--dry-run"], new InvocationConfiguration { Output = TextWriter.Null, Error = error });
        Assert.That((code, error.ToString()), Is.EqualTo((2, $"Cannot read {noText}: The CSV needs a 'subject' or 'body' column.\n")));
    }

    [TestCase("--input f.csv --rows 9-3")]
    [TestCase("--input f.csv --rows 0-3")]
    [TestCase("--input f.csv --limit")]
    [TestCase("--dry-run")]
    [TestCase("--input f.csv --dry-run --ingest http://127.0.0.1:5001")]
    [TestCase("--input f.csv --secret whsec_x")]
    public void Unusable_arguments_are_refused(string line) =>
        Assert.That(ReplayArguments.Parse(line.Split(' ')).Arguments, Is.Null);
}
