using System.CommandLine;
using System.Globalization;
using Agents.Cli.Api;
using Agents.Replay;

namespace Agents.Cli.Steps;

/// <summary>
/// <c>agents steps SOURCE EXTERNAL_ID</c>: what the classifier did with one ticket, step by step
/// (<c>/tickets/{source}/{externalId}/steps</c>, an operator's token). No ticket text: steps, model, latency,
/// outcome, reasons, trace ids.
/// </summary>
public static class StepsCommand
{
    public static Command Create(ServiceConnection classifier)
    {
        var source = new Argument<string>("source") { Description = "the ticket's source (generic, zendesk, …)" };
        var externalId = new Argument<string>("external-id") { Description = "the ticket's id in its CRM" };
        var limit = CountOption.Create("--limit", "at most N steps, oldest first (default 500)");
        var json = JsonOption.Create();
        var command = classifier.AddTo(new Command("steps", "A ticket's step log, from the classifier (an operator's token).") { source, externalId, limit, json });
        command.SetAction(ReadVerbs.List(classifier,
            result => $"tickets/{ServiceApi.Segment(result.GetRequiredValue(source))}/{ServiceApi.Segment(result.GetRequiredValue(externalId))}/steps"
                + ServiceApi.Query(("limit", result.GetValue(limit)?.ToString(CultureInfo.InvariantCulture))),
            json, ["at", "step", "outcome", "model", "latency ms", "detail", "trace"], log => log.GetProperty("steps").EnumerateArray(), s =>
            [
                CliOutput.Time(s, "at"), CliOutput.Field(s, "step"), CliOutput.Field(s, "outcome"), CliOutput.Field(s, "model"),
                CliOutput.Field(s, "latencyMs"), CliOutput.Field(s, "detail"), CliOutput.Field(s, "traceId"),
            ]));
        return command;
    }
}
