using Agents.Harness;
using Agents.Replay;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>
/// The dry run reports drafted replies on the real labelled file (../shared/data/tickets/multilang_dev.csv, read in
/// place): drafted, templated or skipped, language match, validation refusals, tool calls per draft. Once with the
/// local OpenAI-compatible server as the model (it classifies as the file's labels say, calls the tool it is offered,
/// and answers with the file's own reply to the ticket, some of which promise refunds), once with no model (templates).
/// </summary>
public class ReplayDraftTests
{
    private const int LlmRows = 150;
    private IReadOnlyList<ReplayTicket> _tickets = null!;
    private Dictionary<string, string> _answers = null!;

    [OneTimeSetUp]
    public void ReadFile()
    {
        var file = SharedDataFile.Require(Path.Combine("tickets", "multilang_dev.csv"));
        _tickets = ReplayInput.Read(file);
        // The file's own replies, by row (the same numbering ReplayInput gives tickets without an id column).
        using var reader = new StreamReader(file);
        var rows = CsvTable.Read(reader).ToList();
        var answer = rows[0].IndexOf("answer");
        _answers = rows.Skip(1).Select((r, i) => (Id: (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Answer: r[answer]))
            .ToDictionary(r => r.Id, r => r.Answer);
    }

    [Test]
    public async Task With_the_test_server_the_model_drafts_in_the_tickets_language_and_refused_drafts_are_counted()
    {
        ReplayTicket current = null!;
        await using var llm = await FakeLlmServer.StartAsync(r => r.SystemText.Contains("You draft", StringComparison.Ordinal)
            ? _answers[current.Id]
            : FakeLlmServer.ClassificationJson(category: current.Category!, priority: current.Priority!, language: current.Language!));
        llm.ToolCalls = FakeLlmServer.EachOfferedToolOnce;
        await using var runner = new ReplayRunner(new ConfigurationBuilder().AddInMemoryCollection(ClassifierHost.Settings(llm)).Build());
        var results = new List<ReplayResult>();
        foreach (var ticket in _tickets.Take(LlmRows))
        {
            current = ticket;
            results.Add(await runner.ClassifyAsync(ticket, CancellationToken.None));
        }

        var report = new ReplayReport(results);
        var drafts = report.Drafts();
        TestContext.Out.WriteLine(report.Markdown("multilang_dev.csv", usedLlm: true, rows: $"1-{LlmRows}"));
        Assert.That(drafts.Attempted, Is.EqualTo(results.Count(r => r.EscalationReason is null)).And.GreaterThan(LlmRows / 2),
            "every ticket that is not escalated gets a draft attempt");
        Assert.That(drafts.Drafted + drafts.Templated + drafts.Skipped, Is.EqualTo(drafts.Attempted));
        Assert.That(drafts.Drafted, Is.GreaterThan(drafts.Attempted / 2), "most of the file's own replies pass validation");
        Assert.That(drafts.Refused, Is.GreaterThan(0), "some of the file's replies promise what the policy forbids, or are too long");
        Assert.That(drafts.Templated, Is.LessThanOrEqualTo(drafts.Refused), "a template stands in only where the model's draft was refused");
        Assert.That(drafts.LanguageMatchRate, Is.GreaterThanOrEqualTo(0.9));
        Assert.That(drafts.ToolCallsPerDraft, Is.EqualTo(1.0), "the model called its one tool once per draft");
        Assert.That(report.Markdown("multilang_dev.csv", true), Does.Contain("## Drafted replies"));
        Assert.That(report.Csv().Split('\n')[0], Does.Contain("draft_by,draft_language,draft_refused,tool_calls"));
    }

    [Test]
    public async Task Without_a_model_every_draft_is_the_template_in_the_tickets_language()
    {
        await using var runner = new ReplayRunner(new ConfigurationBuilder().Build());
        var results = new List<ReplayResult>();
        foreach (var ticket in _tickets)
            results.Add(await runner.ClassifyAsync(ticket, CancellationToken.None));

        var drafts = new ReplayReport(results).Drafts();
        TestContext.Out.WriteLine($"{drafts}");
        Assert.That(drafts.Attempted, Is.GreaterThan(0));
        Assert.That((drafts.Drafted, drafts.Refused, drafts.ToolCalls), Is.EqualTo((0, 0, 0)), "no model: nothing drafted, refused or called");
        Assert.That(drafts.Templated + drafts.Skipped, Is.EqualTo(drafts.Attempted));
        Assert.That(drafts.LanguageMatchRate, Is.GreaterThanOrEqualTo(0.8), "templates are in the language the ticket was classified in");
    }
}
