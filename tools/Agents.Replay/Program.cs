using Agents.Replay;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

// replay --input FILE (json or csv) --dry-run [--report FILE.md] [--limit N]
string? input = null, report = null;
var dryRun = false;
var limit = int.MaxValue;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--input" when i + 1 < args.Length: input = args[++i]; break;
        case "--report" when i + 1 < args.Length: report = args[++i]; break;
        case "--limit" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n): limit = n; i++; break;
        case "--dry-run": dryRun = true; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
            return 2;
    }
}
if (input is null)
{
    Console.Error.WriteLine("Usage: replay --input FILE(.csv|.json) --dry-run [--report FILE.md] [--limit N]");
    return 2;
}
if (!dryRun)
{
    // Replaying into the live system (publishing TicketReceived) is not built; say so rather than write anything.
    Console.Error.WriteLine("Only --dry-run is supported: replay classifies in process and never writes.");
    return 2;
}
if (!File.Exists(input))
{
    Console.Error.WriteLine($"No such file: {input}");
    return 2;
}

// The service's appsettings (rules file, LLM settings) and the same environment variables (Classifier__Llm__…).
var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" })
    .AddEnvironmentVariables()
    .Build();

var tickets = ReplayInput.Read(input).Take(limit).ToList();
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
var accuracy = new Table().AddColumns("field", "accuracy", "correct", "labelled");
foreach (var field in replayReport.Accuracy())
    accuracy.AddRow(field.Field, $"{field.Accuracy:P1}", field.Correct.ToString(), field.Labelled.ToString());
if (accuracy.Rows.Count > 0)
    AnsiConsole.Write(accuracy);

report ??= $"replay-report-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md";
await File.WriteAllTextAsync(report, replayReport.Markdown(input, runner.Classifier.UsesLlm));
await File.WriteAllTextAsync(Path.ChangeExtension(report, ".csv"), replayReport.Csv());
AnsiConsole.MarkupLine($"Report: [bold]{Markup.Escape(report)}[/] (+ per-ticket {Markup.Escape(Path.ChangeExtension(report, ".csv"))})");
return 0;
