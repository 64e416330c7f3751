using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace Agents.Replay;

/// <summary>
/// The live replay: every ticket of the file goes to the running system through ingest, like a CRM's webhook; the
/// classifier and the writer then do their normal work (writes are held for approval unless the policy says
/// otherwise). Prints a progress bar and what ingest made of the tickets, writes the Markdown report and per-ticket CSV.
/// Exit code 0 when every ticket is in the system (accepted now or before), 1 otherwise, 2 for unusable settings.
/// </summary>
public static class LiveReplay
{
    public static async Task<int> RunAsync(ReplayArguments arguments, IReadOnlyList<ReplayTicket> tickets, IConfiguration configuration)
    {
        var options = configuration.GetSection(ReplayOptions.Section).Get<ReplayOptions>() ?? new ReplayOptions();
        if (arguments.Concurrency is { } concurrency)
            options.Concurrency = concurrency;
        if (string.IsNullOrEmpty(options.IngestSecret))
        {
            Console.Error.WriteLine("Set Replay__IngestSecret in the environment to the generic source's secret (ingest's Ingest__Sources__generic__Secret).");
            return 2;
        }
        var url = arguments.IngestUrl ?? options.IngestUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var ingest) || ingest.Scheme is not ("http" or "https"))
        {
            Console.Error.WriteLine($"Not an http(s) URL for ingest: {url}");
            return 2;
        }

        var deliveries = ReplayDeliveries.From(tickets, arguments.IdPrefix ?? ReplayDeliveries.DefaultPrefix(arguments.Input));
        var replayer = new IngestReplayer(ingest, options);
        LiveReplayReport? report = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"Sending {deliveries.Count} tickets to {Markup.Escape(ingest.ToString())}", maxValue: Math.Max(1, deliveries.Count));
                var sending = replayer.SendAsync(deliveries, CancellationToken.None);
                while (!sending.IsCompleted)
                {
                    task.Value = replayer.Completed;
                    await Task.WhenAny(sending, Task.Delay(200));
                }
                task.Value = replayer.Completed;
                report = await sending;
            });

        var summary = new Table().AddColumns("outcome", "tickets");
        foreach (var kind in Enum.GetValues<DeliveryKind>())
            summary.AddRow(LiveReplayReport.Name(kind), report!.Count(kind).ToString());
        AnsiConsole.Write(summary);

        var path = arguments.Report ?? $"replay-live-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md";
        await File.WriteAllTextAsync(path, report!.Markdown(arguments.Input, ingest, arguments.Rows));
        await File.WriteAllTextAsync(Path.ChangeExtension(path, ".csv"), report.Csv());
        AnsiConsole.MarkupLine($"Report: [bold]{Markup.Escape(path)}[/] (+ per-ticket {Markup.Escape(Path.ChangeExtension(path, ".csv"))})");
        return report.AllIn ? 0 : 1;
    }
}
