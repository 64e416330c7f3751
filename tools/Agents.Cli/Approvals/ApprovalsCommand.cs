using System.CommandLine;
using System.Globalization;
using Agents.Cli.Api;
using Agents.Replay;

namespace Agents.Cli.Approvals;

/// <summary>
/// <c>agents approvals list|show|approve|reject</c>: the writer's approval API (<c>/approvals</c>) with an approver's
/// token. A decision is published to the saga, which alone changes the write's state: the answer says so, and
/// <c>show</c> tells what became of it.
/// </summary>
public static class ApprovalsCommand
{
    /// <summary>The writer's states, offered for completion; the writer decides which exist (a new one passes through).</summary>
    private static readonly string[] States =
        ["AwaitingApproval", "HeldForBulkReview", "Applying", "Applied", "Rejected", "Expired", "Failed", "Refused", "all"];

    public static Command Create(ServiceConnection writer)
    {
        var command = writer.AddTo(new Command("approvals", "Writes held for a person's approval, on the writer (an approver's token)."));
        command.Subcommands.Add(List(writer));
        command.Subcommands.Add(ReadVerbs.Show(writer, "One write with its history (proposed, decided, applied), as JSON.",
            new Argument<Guid>("id") { Description = "the write's id (agents approvals list)" }, id => $"approvals/{id}"));
        command.Subcommands.Add(Decide(writer, "approve", "Approves a write awaiting approval: the saga applies it."));
        command.Subcommands.Add(Decide(writer, "reject", "Rejects a write awaiting approval: it is never applied."));
        return command;
    }

    private static Command List(ServiceConnection writer)
    {
        var state = new Option<string?>("--state")
        {
            HelpName = "STATE",
            Description = "writes in this state (default AwaitingApproval; all for every state)",
        };
        state.CompletionSources.Add(States);
        var limit = CountOption.Create("--limit", "at most N writes, newest first (default 200, at most 1000)");
        var json = JsonOption.Create();
        var command = new Command("list", "Writes in a state, newest first.") { state, limit, json };
        command.SetAction(ReadVerbs.List(writer,
            result => "approvals" + ServiceApi.Query(("state", result.GetValue(state)), ("limit", result.GetValue(limit)?.ToString(CultureInfo.InvariantCulture))),
            json, ["id", "state", "ticket", "kind", "changes", "proposed", "expires"], writes => writes.EnumerateArray(), w =>
            [
                CliOutput.Field(w, "id"), CliOutput.Field(w, "state"), $"{CliOutput.Field(w, "source")}/{CliOutput.Field(w, "externalId")}",
                CliOutput.Field(w, "kind"), CliOutput.Field(w, "changes"), CliOutput.Time(w, "proposedAt"), CliOutput.Time(w, "expiresAt"),
            ]));
        return command;
    }

    private static Command Decide(ServiceConnection writer, string verb, string description)
    {
        var id = new Argument<Guid>("id") { Description = "the write's id (agents approvals list)" };
        var reason = new Option<string?>("--reason") { HelpName = "TEXT", Description = "why, kept in the write's history" };
        var command = new Command(verb, description) { id, reason };
        command.SetAction(ApiCall.Action(writer, result => async (api, output, cancellationToken) =>
        {
            var write = result.GetValue(id);
            var answer = await api.PostAsync($"approvals/{write}/{verb}", new { reason = result.GetValue(reason) }, cancellationToken);
            if (!answer.Succeeded)
                return output.Refused(answer);
            // 202: the decision is on the bus; 200: it had been taken this way already, nothing changed.
            output.Line(answer.Status == 202
                ? $"{write}: {verb} published; the saga carries it out (agents approvals show {write})."
                : $"{write}: {CliOutput.Field(answer.Json!.Value, "note")} (state {CliOutput.Field(answer.Json!.Value, "state")})");
            return 0;
        }));
        return command;
    }
}
