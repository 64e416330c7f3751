using System.CommandLine;
using System.Globalization;
using Agents.Cli.Api;
using Agents.Replay;

namespace Agents.Cli.Escalations;

/// <summary>
/// <c>agents escalations list|show|claim|close</c>: the writer's escalation inbox (<c>/escalations</c>) with an
/// approver's token, as the page's "Needs a person" view. Claims and closes are the caller's (the token names them);
/// another person's claim is a refusal naming them.
/// </summary>
public static class EscalationsCommand
{
    private static readonly string[] States = ["active", "open", "claimed", "closed", "all"];

    private static readonly string[] Reasons = ["urgent", "low_confidence", "llm_down", "no_text", "needs_hydration", "crm_unreadable", "other"];

    public static Command Create(ServiceConnection writer)
    {
        var command = writer.AddTo(new Command("escalations", "Tickets handed to a person (the escalation inbox), on the writer (an approver's token)."));
        command.Subcommands.Add(List(writer));
        command.Subcommands.Add(ReadVerbs.Show(writer, "One escalation (reason, classification, excerpt, claim, link, CRM write), as JSON.",
            Id(), id => $"escalations/{id.ToString(CultureInfo.InvariantCulture)}"));
        command.Subcommands.Add(Claim(writer));
        command.Subcommands.Add(Close(writer));
        return command;
    }

    private static Argument<long> Id() => new("id") { Description = "the escalation's id (agents escalations list)" };

    private static Command List(ServiceConnection writer)
    {
        var state = new Option<string?>("--state") { HelpName = "STATE", Description = "active (open or claimed, the default), open, claimed, closed or all" };
        state.CompletionSources.Add(States);
        var reason = new Option<string?>("--reason") { HelpName = "REASON", Description = "only this reason (urgent, low_confidence, llm_down, no_text, …)" };
        reason.CompletionSources.Add(Reasons);
        var source = new Option<string?>("--source") { HelpName = "SOURCE", Description = "only this source's (zendesk, hubspot, …)" };
        var limit = CountOption.Create("--limit", "at most N escalations, most urgent and newest first (default 200, at most 1000)");
        var json = JsonOption.Create();
        var command = new Command("list", "Escalations, most urgent and newest first.") { state, reason, source, limit, json };
        command.SetAction(ReadVerbs.List(writer,
            result => "escalations" + ServiceApi.Query(("state", result.GetValue(state)), ("reason", result.GetValue(reason)),
                ("source", result.GetValue(source)), ("limit", result.GetValue(limit)?.ToString(CultureInfo.InvariantCulture))),
            json, ["id", "state", "ticket", "reason", "priority", "escalated", "claimed by", "subject"], rows => rows.EnumerateArray(), e =>
            [
                CliOutput.Field(e, "id"), CliOutput.Field(e, "state"), $"{CliOutput.Field(e, "source")}/{CliOutput.Field(e, "externalId")}",
                CliOutput.Field(e, "reason"), CliOutput.Field(e, "priority"), CliOutput.Time(e, "escalatedAt"), CliOutput.Field(e, "claimedBy"),
                CliOutput.Field(e, "subject"),
            ]));
        return command;
    }

    private static Command Claim(ServiceConnection writer)
    {
        var id = Id();
        var command = new Command("claim", "Claims an open escalation: others see you have it.") { id };
        command.SetAction(ApiCall.Action(writer, result => async (api, output, cancellationToken) =>
        {
            var escalation = result.GetValue(id);
            var answer = await api.PostAsync($"escalations/{escalation.ToString(CultureInfo.InvariantCulture)}/claim", null, cancellationToken);
            if (!answer.Succeeded)
                return output.Refused(answer);
            output.Line($"{escalation}: claimed by {CliOutput.Field(answer.Json!.Value, "claimedBy")} ({Link(answer)})");
            return 0;
        }));
        return command;
    }

    private static Command Close(ServiceConnection writer)
    {
        var id = Id();
        var note = new Option<string>("--note") { HelpName = "TEXT", Required = true, Description = "what was done: the next person reads it" };
        var command = new Command("close", "Closes an escalation you hold (or an open one) with a note.") { id, note };
        command.SetAction(ApiCall.Action(writer, result => async (api, output, cancellationToken) =>
        {
            var escalation = result.GetValue(id);
            var answer = await api.PostAsync($"escalations/{escalation.ToString(CultureInfo.InvariantCulture)}/close",
                new { note = result.GetValue(note) }, cancellationToken);
            if (!answer.Succeeded)
                return output.Refused(answer);
            output.Line($"{escalation}: closed by {CliOutput.Field(answer.Json!.Value, "closedBy")}");
            return 0;
        }));
        return command;
    }

    private static string Link(ApiAnswer answer) => CliOutput.Field(answer.Json!.Value, "link") is { Length: > 0 } link ? link : "no link to the CRM";
}
