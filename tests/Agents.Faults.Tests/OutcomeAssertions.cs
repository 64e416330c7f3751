namespace Agents.Faults.Tests;

/// <summary>What every fault scenario must hold, whatever failed in it.</summary>
public static class OutcomeAssertions
{
    /// <summary>
    /// The checks of every scenario. When any fails, the failure report (every row about each offending ticket) goes
    /// to a file beside the instance logs (attached to the result) and, for the first tickets, into the test output.
    /// </summary>
    public static async Task AssertHeldAsync(FaultSystem system, FaultScenario scenario, ScenarioOutcome outcome)
    {
        var offenders = outcome.Offenders();
        var why = outcome.Explain();
        if (offenders.Count > 0 || outcome.DeadLetters.Count > 0 || !outcome.CameToRest || outcome.LlmCalls > outcome.LlmCallLimit || outcome.DraftCalls > outcome.LlmCallLimit)
        {
            // Once in the output (the assertion messages would repeat it per failed check), in full in the file.
            try
            {
                var (report, path) = await FailureReport.WriteAsync(system, scenario.Prefix, outcome, offenders);
                TestContext.AddTestAttachment(path, "tickets that failed a check, with every row seen for them");
                TestContext.Out.WriteLine(report);
                why += $"offending tickets, row by row: in the test output and {path}\n";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // The checks below still decide; the report's own failure must not hide them.
                why += $"the failure report could not be written: {e.Message}\n";
            }
        }
        Assert.Multiple(() =>
        {
            Assert.That(outcome.CameToRest, Is.True, "the system came to rest (no message left that could change an outcome) before the books were checked\n" + why);
            Assert.That(outcome.AcceptedTickets, Is.EquivalentTo(outcome.UniqueTickets), "every ticket accepted in the end\n" + why);
            Assert.That(outcome.FinalRefusals, Is.Empty, "no delivery refused for good\n" + why);
            Assert.That(outcome.OutcomeByTicket().Where(o => o.Value is not ("escalated" or "applied")).Select(o => $"{o.Key}: {o.Value}"),
                Is.Empty, "every accepted ticket has exactly one outcome, nothing lost\n" + why);
            Assert.That(outcome.AppliedTwice, Is.Empty, "no CRM write applied twice\n" + why);
            Assert.That(outcome.JournalMismatches, Is.Empty, "journal = applied writes, key for key\n" + why);
            Assert.That(outcome.DeadLetters.Select(d => d.ToString()), Is.Empty, "nothing given up on (no message in an _error or _skipped queue)\n" + why);
            Assert.That(outcome.LlmCalls, Is.LessThanOrEqualTo(outcome.LlmCallLimit), "LLM calls: no retry storm\n" + why);
            Assert.That(outcome.DraftCalls, Is.LessThanOrEqualTo(outcome.LlmCallLimit), "LLM draft calls: no retry storm\n" + why);
        });
    }
}
