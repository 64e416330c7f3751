using Agents.ServiceDefaults.Shadow;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace Agents.Replay;

/// <summary>
/// The dry run: classifies the tickets in process with the service's own rules and LLM settings, writes nothing
/// anywhere, prints the summary and accuracy beside the goals, and writes the Markdown report and per-ticket CSV.
/// </summary>
public static class DryRun
{
    public static async Task<int> RunAsync(ReplayArguments arguments, IReadOnlyList<ReplayTicket> tickets, IConfiguration configuration)
    {
        await using var runner = new ReplayRunner(configuration);
        var results = new List<ReplayResult>(tickets.Count);
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"Classifying {tickets.Count} tickets", maxValue: Math.Max(1, tickets.Count));
                foreach (var ticket in tickets)
                {
                    results.Add(await runner.ClassifyAsync(ticket, CancellationToken.None));
                    task.Increment(1);
                }
            });

        var replayReport = new ReplayReport(results);
        var summary = new Table().AddColumns("classified by", "tickets", "escalated");
        foreach (var g in results.GroupBy(r => r.Classification.ClassifiedBy))
            summary.AddRow(g.Key, g.Count().ToString(), g.Count(r => r.EscalationReason is not null).ToString());
        AnsiConsole.Write(summary);
        var accuracy = new Table().AddColumns("field", "accuracy", "correct", "labelled", "goal");
        foreach (var field in replayReport.Accuracy())
            accuracy.AddRow(field.Field, $"{field.Accuracy:P1}", field.Correct.ToString(), field.Labelled.ToString(), Markup.Escape(field.GoalText));
        if (accuracy.Rows.Count > 0)
            AnsiConsole.Write(accuracy);
        if (replayReport.Drafts() is { Attempted: > 0 } d)
        {
            AnsiConsole.Write(new Table().AddColumns("drafts", "by the LLM", "templated", "skipped", "language match", "refused", "tool calls/draft")
                .AddRow(d.Attempted.ToString(), d.Drafted.ToString(), d.Templated.ToString(), d.Skipped.ToString(),
                    $"{d.LanguageMatchRate:P1}", d.Refused.ToString(), $"{d.ToolCallsPerDraft:0.00}"));
        }

        // Labels are what people chose: the same shadow report the writer builds from live traffic.
        var shadow = results.Any(r => r.Ticket.HasLabels) ? ShadowReportMarkdown.Render(ShadowReplay.Report(replayReport)) : null;
        if (shadow is not null)
            AnsiConsole.WriteLine(shadow);

        var report = arguments.Report ?? $"replay-report-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md";
        await File.WriteAllTextAsync(report, replayReport.Markdown(arguments.Input, runner.Classifier.UsesLlm, arguments.Rows)
            + (shadow is null ? "" : Environment.NewLine + shadow));
        await File.WriteAllTextAsync(Path.ChangeExtension(report, ".csv"), replayReport.Csv());
        AnsiConsole.MarkupLine($"Report: [bold]{Markup.Escape(report)}[/] (+ per-ticket {Markup.Escape(Path.ChangeExtension(report, ".csv"))})");
        return 0;
    }
}
