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
        var outcome = await scenario.RunAsync(() => RestartAsync(_system.Servers.Broker.StopAsync, _system.Servers.Broker.StartAsync));
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
            await RestartAsync(() => _system.Servers.Database.StopAsync(), _system.Servers.Database.StartAsync, FaultScenario.PostgresOutage);
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
            _system.Llm.Mode = Agents.Harness.FakeLlmMode.ServerError;
            await Task.Delay(TimeSpan.FromSeconds(15));
            _system.Llm.Mode = Agents.Harness.FakeLlmMode.Answer;
        }, faultAfterShare: 0.2);
        await AssertHeldAsync(scenario, outcome);
    }

    /// <summary>
    /// An instance that exits on its own (here killed behind the launcher's back; in production a crash, or exit code
    /// 75 after its publishing stalled) is replaced, as compose's restart policy or Kubernetes would.
    /// </summary>
    [Test]
    public async Task An_instance_that_exits_on_its_own_is_replaced()
    {
        var victim = _system.Launcher.Of(ServiceKind.Classifier)[0];
        System.Diagnostics.Process.GetProcessById(victim.ProcessId).Kill();
        await Agents.Testing.Eventually.Until(() => Task.FromResult(victim.HasExited), exited => exited, TimeSpan.FromSeconds(10), "the kill");

        var replaced = await _system.Launcher.ReplaceExitedAsync();

        var classifiers = _system.Launcher.Of(ServiceKind.Classifier);
        Assert.Multiple(() =>
        {
            Assert.That(replaced.Select(r => r.Name), Is.EqualTo(new[] { victim.Name }));
            Assert.That(replaced[0].ExitCode, Is.Not.Zero, "killed");
            Assert.That(classifiers, Has.Count.EqualTo(_system.Launcher.Options.CountOf(ServiceKind.Classifier)));
            Assert.That(classifiers.Select(c => c.Name), Does.Not.Contain(victim.Name));
        });
        await _system.Launcher.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));

        // And a stop (SIGTERM, as at every rollout) is not a crash: exit code 0. It was 134 for a while, when
        // Program.cs read the stall watch from a host that had disposed its services.
        var stopped = classifiers[^1];
        await stopped.StopAsync();
        Assert.That(stopped.ExitCode, Is.Zero, $"{stopped.Name} after SIGTERM:\n{stopped.Tail(10)}");
        await _system.Launcher.StopAsync(stopped);
    }

    /// <summary>A server restart as a service manager does it: stop, a moment down (or longer), start on the same port and data.</summary>
    private static async Task RestartAsync(Func<Task> stop, Func<Task> start, TimeSpan? down = null)
    {
        await stop();
        await Task.Delay(down ?? TimeSpan.FromSeconds(2));
        await start();
    }

    private FaultScenario Scenario(string name) => new(_system, $"{name}{DateTime.UtcNow:HHmmss}");

    private Task AssertHeldAsync(FaultScenario scenario, ScenarioOutcome outcome) => OutcomeAssertions.AssertHeldAsync(_system, scenario, outcome);
}
