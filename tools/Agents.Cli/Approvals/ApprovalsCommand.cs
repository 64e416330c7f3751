using System.CommandLine;
using System.Globalization;
using Agents.Cli.Api;
using Agents.Replay;

namespace Agents.Cli.Approvals;

/// <summary>
/// <c>agents approvals list|show|approve|reject</c>: the writer's approval API (<c>/approvals</c>) with an approver's
/// token. A decision is published to the saga, which alone changes the write's state: the answer says so, and
/// <c>show</c> tells what became of it. An approval names the version the person reviewed (<c>--version</c>, as
/// <c>list</c> and <c>show</c> print it), as the page does: a write can change while it waits, and approving content
/// nobody saw is what the writer refuses.
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
            json, ["id", "state", "ticket", "kind", "changes", "version", "proposed", "expires"], writes => writes.EnumerateArray(), w =>
            [
                CliOutput.Field(w, "id"), CliOutput.Field(w, "state"), $"{CliOutput.Field(w, "source")}/{CliOutput.Field(w, "externalId")}",
                CliOutput.Field(w, "kind"), CliOutput.Field(w, "changes"), WriteVersion.Shown(CliOutput.Field(w, "contentHash")),
                CliOutput.Time(w, "proposedAt"), CliOutput.Time(w, "expiresAt"),
            ]));
        return command;
    }

    private static Command Decide(ServiceConnection writer, string verb, string description)
    {
        var id = new Argument<Guid>("id") { Description = "the write's id (agents approvals list)" };
        var reason = new Option<string?>("--reason") { HelpName = "TEXT", Description = "why, kept in the write's history" };
        var approving = verb == "approve";
        var version = new Option<string?>("--version")
        {
            HelpName = "VERSION",
            Required = approving,
            Description = "the version you reviewed, as list and show print it (its first 8 or more characters)" +
                (approving ? "" : "; optional for a rejection"),
        };
        var command = new Command(verb, description) { id, version, reason };
        command.SetAction(ApiCall.Action(writer, result => async (api, output, cancellationToken) =>
        {
            var write = result.GetValue(id);
            string? contentHash = null;
            if (result.GetValue(version) is { } reviewed)
            {
                var resolved = await WriteVersion.ResolveAsync(api, write, reviewed, cancellationToken);
                if (resolved.Problem is { } problem)
                {
                    output.Error(problem);
                    return 1;
                }
                contentHash = resolved.ContentHash;
            }
            var answer = await api.PostAsync($"approvals/{write}/{verb}", new { reason = result.GetValue(reason), contentHash }, cancellationToken);
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
