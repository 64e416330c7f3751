using Agents.Launcher;

namespace Agents.Faults.Tests;

/// <summary>
/// The whole system as separate processes under a stream of webhooks, with one part failing in the middle of it. In
/// every case: all webhooks get accepted in the end (the sender retries 503s like a CRM), every accepted ticket has
/// exactly one outcome, no CRM write is applied twice, nothing is lost, and the LLM sees no retry storm.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class FaultTests
{
    private FaultSystem _system = null!;

    [OneTimeSetUp]
    public async Task StartSystem()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _system = await FaultSystem.StartAsync();
        TestContext.Progress.WriteLine($"system up in {clock.Elapsed.TotalSeconds:0}s; instance logs in {_system.LogDirectory}");
    }

    [OneTimeTearDown]
    public async Task StopSystem()
    {
        if (_system is not null)
            await _system.DisposeAsync();
    }

    [TearDown]
    public async Task Restore() => await _system.RestoreAsync();

    [Test]
    public async Task Broker_restart_in_the_middle_loses_nothing()
    {
        var scenario = Scenario("broker");
        var outcome = await scenario.RunAsync(() => RestartAsync(_system.Servers.StopRabbitMqAsync, _system.Servers.StartRabbitMqAsync));
        await AssertHeldAsync(scenario, outcome);
    }

    /// <summary>
    /// PostgreSQL down far longer than the in-memory retries (~19 s): every classifier and writer message fails for
    /// minutes. They must wait in the broker's delay queues and come back, not end in _error. A restart is the short
    /// form of the same fault (AGENTS_FAULTS_POSTGRES_OUTAGE=2).
    /// </summary>
    [Test]
    public async Task Postgres_outage_longer_than_the_retries_loses_nothing()
    {
        var scenario = Scenario("postgres");
        var outcome = await scenario.RunAsync(async () =>
        {
            TestContext.Progress.WriteLine($"PostgreSQL down for {FaultScenario.PostgresOutage}");
            await RestartAsync(_system.Servers.StopPostgresAsync, _system.Servers.StartPostgresAsync, FaultScenario.PostgresOutage);
            Npgsql.NpgsqlConnection.ClearAllPools(); // the test's own connections died with the server
        });
        await AssertHeldAsync(scenario, outcome);
        if (FaultScenario.PostgresOutage > TimeSpan.FromMinutes(1))
        {
            var delayQueues = (await _system.Queues.DepthsAsync()).Where(q => q.Name.StartsWith("agents-redelivery-", StringComparison.Ordinal)).ToList();
            Assert.That(delayQueues.Sum(q => q.Activity), Is.GreaterThan(0),
                "messages went through the delay queues (the outage outlasted the in-memory retries): " + string.Join(", ", delayQueues));
        }
    }

    [Test]
    public async Task Killing_a_writer_and_a_classifier_in_the_middle_loses_nothing()
    {
        var scenario = Scenario("sigkill");
        var outcome = await scenario.RunAsync(async () =>
        {
            // SIGKILL mid-message: their unacknowledged messages go back to the queue, the survivors take them.
            await Task.WhenAll(
                _system.Launcher.KillAsync(_system.Launcher.Of(ServiceKind.Writer)[0]),
                _system.Launcher.KillAsync(_system.Launcher.Of(ServiceKind.Classifier)[0]));
        });
        await AssertHeldAsync(scenario, outcome);
    }

    [Test]
    public async Task Llm_outage_in_the_middle_loses_nothing_and_causes_no_retry_storm()
    {
        var scenario = Scenario("llm");
        var outcome = await scenario.RunAsync(async () =>
        {
            _system.Llm.Mode = Agents.Testing.FakeLlmMode.ServerError;
            await Task.Delay(TimeSpan.FromSeconds(15));
            _system.Llm.Mode = Agents.Testing.FakeLlmMode.Answer;
        }, faultAfterShare: 0.2);
        await AssertHeldAsync(scenario, outcome);
    }

    /// <summary>A server restart as a service manager does it: stop, a moment down (or longer), start on the same port and data.</summary>
    private static async Task RestartAsync(Func<Task> stop, Func<Task> start, TimeSpan? down = null)
    {
        await stop();
        await Task.Delay(down ?? TimeSpan.FromSeconds(2));
        await start();
    }

    private FaultScenario Scenario(string name) => new(_system, $"{name}{DateTime.UtcNow:HHmmss}");

    /// <summary>
    /// The checks of every scenario. When any fails, the failure report (every row about each offending ticket) goes
    /// to a file beside the instance logs (attached to the result) and, for the first tickets, into the test output.
    /// </summary>
    private async Task AssertHeldAsync(FaultScenario scenario, ScenarioOutcome outcome)
    {
        var offenders = outcome.Offenders();
        var why = outcome.Explain();
        if (offenders.Count > 0 || outcome.DeadLetters.Count > 0 || !outcome.CameToRest || outcome.LlmCalls > outcome.LlmCallLimit)
        {
            // Once in the output (the assertion messages would repeat it per failed check), in full in the file.
            try
            {
                var (report, path) = await FailureReport.WriteAsync(_system, scenario.Prefix, outcome, offenders);
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
        });
    }
}
