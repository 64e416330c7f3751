using System.Text;
using Npgsql;

namespace Agents.Faults.Tests;

/// <summary>
/// What a failed scenario leaves behind so it explains itself: the books, then every offending ticket with every row
/// any service wrote about it (the sender's answers, ingest's delivery records, each escalation message, the
/// classifier's steps, the saga rows and their audit trail, the CRM journal, dead-lettered messages, the instances'
/// log lines naming it), then each instance's first errors whole (<see cref="FirstErrors"/>). Written in full to a
/// file beside the instance logs (TestResults/faults-logs/…), and the first tickets of it and the errors into the
/// test output.
/// </summary>
public static class FailureReport
{
    /// <summary>Offending tickets shown in full in the test output; the file holds up to <see cref="InFile"/>.</summary>
    public const int InOutput = 15;

    public const int InFile = 400;

    public static async Task<(string Text, string Path)> WriteAsync(FaultSystem system, string scenario, ScenarioOutcome outcome,
        IReadOnlyDictionary<string, IReadOnlyList<string>> offenders)
    {
        var all = new Dictionary<string, IReadOnlyList<string>>(offenders, StringComparer.Ordinal);
        // A retry storm names no ticket by itself: the tickets the LLM was asked about most often are its suspects.
        if (outcome.LlmCalls > outcome.LlmCallLimit)
            foreach (var (ticket, calls) in await MostLlmRequestsAsync(system.ConnectionString, scenario))
                all[ticket] = [.. all.GetValueOrDefault(ticket) ?? [], $"{calls} LLM requests in the step log"];

        var shown = all.Keys.Take(InFile).ToList();
        var evidence = await TicketEvidence.ReadAsync(system.ConnectionString, shown);
        var logs = InstanceLogs.Naming(system.LogDirectory, scenario, shown.ToHashSet(StringComparer.Ordinal));
        var file = new StringBuilder();
        var output = new StringBuilder();
        var header = all.Count == 0
            ? $"{scenario}: no ticket of its own fails a check; the failed check is about the whole run (see the books)\n"
            : $"{scenario}: {all.Count} offending ticket(s): {string.Join(", ", all.Keys.Take(60))}{(all.Count > 60 ? ", …" : "")}\n";
        file.Append(header).AppendLine(outcome.Explain());
        output.Append(header);
        foreach (var error in evidence.Errors)
            file.AppendLine("could not read " + error);
        for (var i = 0; i < shown.Count; i++)
        {
            var block = Render(shown[i], all[shown[i]], outcome, system.Escalations, evidence, logs.GetValueOrDefault(shown[i]) ?? []);
            file.Append(block);
            if (i < InOutput)
                output.Append(block);
        }
        if (all.Count > shown.Count)
            file.AppendLine($"… and {all.Count - shown.Count} more: {string.Join(", ", all.Keys.Skip(shown.Count))}");
        // Last in the output too: a CI log is often read from its end.
        var firstErrors = FirstErrors.Describe(system.LogDirectory, outcome.StartedAt);
        file.Append(firstErrors);

        var path = Path.Combine(system.LogDirectory, $"{scenario}-failure.txt");
        Directory.CreateDirectory(system.LogDirectory);
        await File.WriteAllTextAsync(path, file.ToString());
        if (shown.Count > InOutput)
            output.AppendLine($"… {all.Count - InOutput} more ticket(s) in {path}");
        else
            output.AppendLine($"(also in {path})");
        output.Append(firstErrors);
        return (output.ToString(), path);
    }

    /// <summary>
    /// One ticket: why it offends, then its rows from every source, each source in the order it wrote them, then the
    /// instances' log lines naming it.
    /// </summary>
    public static string Render(string ticket, IReadOnlyList<string> reasons, ScenarioOutcome outcome, EscalationProbe escalations,
        TicketEvidence evidence, IReadOnlyList<string> logLines)
    {
        var text = new StringBuilder();
        text.AppendLine($"=== {ticket}: {string.Join("; ", reasons)}");
        foreach (var result in outcome.ResultsFor(ticket))
            text.AppendLine($"  sender {result.Delivery.WebhookId}: {result.Status?.ToString() ?? "no answer"} after {result.Attempts} attempt(s): "
                + string.Join(" | ", result.AttemptLog ?? []));
        foreach (var seen in escalations.SeenFor(ticket))
            text.AppendLine("  probe: " + seen);
        foreach (var (table, row) in evidence.For(ticket))
            text.AppendLine($"  {table}: {row}");
        foreach (var letter in outcome.DeadLetters.Where(d => d.Ticket == ticket))
            text.AppendLine("  dead letter: " + letter);
        if (evidence.For(ticket).Count == 0 && evidence.Errors.Count == 0)
            text.AppendLine("  (no row in any table)");
        foreach (var line in logLines)
            text.AppendLine("  log " + line);
        if (logLines.Count == InstanceLogs.PerTicket)
            text.AppendLine($"  (log lines after the first {InstanceLogs.PerTicket} not shown)");
        return text.ToString();
    }

    private static async Task<IReadOnlyList<(string Ticket, long Calls)>> MostLlmRequestsAsync(string connectionString, string prefix)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT "ExternalId", count(*) FROM classifier_steps
                WHERE "Step" = 'llm-request' AND "ExternalId" LIKE @like GROUP BY 1 ORDER BY 2 DESC LIMIT 10
                """, connection);
            command.Parameters.AddWithValue("like", prefix + "-%");
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<(string, long)>();
            while (await reader.ReadAsync())
                rows.Add((reader.GetString(0), reader.GetInt64(1)));
            return rows;
        }
        catch (NpgsqlException)
        {
            return [];
        }
    }
}
