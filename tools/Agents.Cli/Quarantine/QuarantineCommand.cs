using System.CommandLine;
using System.Globalization;
using Agents.Cli.Api;
using Agents.Replay;

namespace Agents.Cli.Quarantine;

/// <summary>
/// <c>agents quarantine list|show|replay</c>: ingest's refused deliveries (<c>/quarantine</c>) with an operator's token.
/// A replay runs the stored body through ingest's parsing, duplicate check and publish again; a body refused before
/// its signature was checked replays only with <c>--force</c>, recorded with the operator's name.
/// </summary>
public static class QuarantineCommand
{
    public static Command Create(ServiceConnection ingest)
    {
        var command = ingest.AddTo(new Command("quarantine", "Deliveries ingest refused, kept for an operator (an operator's token)."));
        command.Subcommands.Add(List(ingest));
        command.Subcommands.Add(ReadVerbs.Show(ingest, "One refused delivery with its body and headers, as JSON.",
            new Argument<long>("id") { Description = "the delivery's id (agents quarantine list)" }, id => $"quarantine/{id}"));
        command.Subcommands.Add(Replay(ingest));
        return command;
    }

    private static Command List(ServiceConnection ingest)
    {
        var source = new Option<string?>("--source") { HelpName = "SOURCE", Description = "only this source's (generic, zendesk, …)" };
        var reason = new Option<string?>("--reason") { HelpName = "REASON", Description = "only this reason (malformed, unsupported_media_type, too_large, …)" };
        var limit = CountOption.Create("--limit", "at most N deliveries, newest first (default 100, at most 1000)");
        var before = new Option<long?>("--before") { HelpName = "ID", Description = "only deliveries older than this id (the next page)" };
        var json = JsonOption.Create();
        var command = new Command("list", "Refused deliveries, newest first.") { source, reason, limit, before, json };
        command.SetAction(ReadVerbs.List(ingest,
            result => "quarantine" + ServiceApi.Query(("source", result.GetValue(source)), ("reason", result.GetValue(reason)),
                ("limit", result.GetValue(limit)?.ToString(CultureInfo.InvariantCulture)),
                ("before", result.GetValue(before)?.ToString(CultureInfo.InvariantCulture))),
            json, ["id", "source", "reason", "status", "received", "signed", "replayed", "detail"], deliveries => deliveries.EnumerateArray(), q =>
            [
                CliOutput.Field(q, "id"), CliOutput.Field(q, "source"), CliOutput.Field(q, "reason"), CliOutput.Field(q, "statusCode"),
                CliOutput.Time(q, "receivedAt"), CliOutput.Field(q, "signatureVerified"), CliOutput.Field(q, "replayResult"), CliOutput.Field(q, "detail"),
            ]));
        return command;
    }

    private static Command Replay(ServiceConnection ingest)
    {
        var id = new Argument<long>("id") { Description = "the delivery's id (agents quarantine list)" };
        var force = new Option<bool>("--force")
        {
            Description = "replay a body refused before its signature was checked (415, 429): you vouch for where it came from (recorded)",
        };
        var command = new Command("replay", "Runs a stored body through ingest again; 0 when its tickets are in the system.") { id, force };
        command.SetAction(ApiCall.Action(ingest, result => async (api, output, cancellationToken) =>
        {
            var delivery = result.GetValue(id);
            var answer = await api.PostAsync($"quarantine/{delivery}/replay{ServiceApi.Query(("force", result.GetValue(force) ? "true" : null))}", null, cancellationToken);
            if (!answer.Succeeded)
                return output.Refused(answer);
            // 200 with the status a live delivery would have got: 202 published, 200 nothing new, 4xx/503 still refused.
            var json = answer.Json!.Value;
            var status = int.TryParse(CliOutput.Field(json, "status"), CultureInfo.InvariantCulture, out var s) ? s : 0;
            var line = $"{delivery}: {status}, published {CliOutput.Field(json, "published")}, duplicates {CliOutput.Field(json, "duplicates")}";
            var reason = CliOutput.Field(json, "reason");
            output.Line(reason.Length > 0 ? $"{line} ({reason})" : line);
            return status is >= 200 and < 300 ? 0 : 1;
        }));
        return command;
    }
}
