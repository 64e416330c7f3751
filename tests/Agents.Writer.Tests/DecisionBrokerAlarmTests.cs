using System.Diagnostics;
using System.Net;
using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using Agents.Writer.Sagas;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// A person approves a write while the broker blocks publishers (a memory or disk alarm): the decision cannot reach
/// the saga yet. The approval API must answer within its deadline, saying so, instead of leaving the click hanging
/// for as long as the alarm lasts. On a broker of the test's own.
/// </summary>
[TestFixture]
public class DecisionBrokerAlarmTests : WriterFixture
{
    [Test]
    public async Task An_approval_during_a_broker_alarm_is_answered_503_in_time_and_the_write_is_applied_once_after_it()
    {
        await using var broker = await OwnBroker.StartAsync();
        _host = await WriterTestHost.StartAsync(settings: new Dictionary<string, string?>(broker.Settings)
        {
            ["Writer:DecisionPublishTimeout"] = "00:00:02",
            // RabbitMQ.Client waits an unanswered operation out this long whatever its caller's token says (shipped 20 s).
            ["RabbitMq:ContinuationTimeout"] = "00:00:03",
        });
        var p = Proposals.SetPriority("T-alarm-approve");
        await _host.ProposeAsync(p);
        await _host.WaitForStateAsync(p.CorrelationId, WriteStates.AwaitingApproval);

        await broker.Node.SetMemoryAlarmAsync(raised: true);
        var clock = Stopwatch.StartNew();
        using var answer = await _host.ApproveAsync(p.CorrelationId);
        var waited = clock.Elapsed;
        var problem = await answer.Content.ReadAsStringAsync();
        TestContext.Out.WriteLine($"answered {(int)answer.StatusCode} after {waited.TotalSeconds:0.0} s: {problem}");
        Assert.Multiple(() =>
        {
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), problem);
            Assert.That(waited, Is.LessThan(TimeSpan.FromSeconds(15)), "answered within the deadline, not when the alarm ends");
            Assert.That(problem, Does.Contain("broker"), "the answer says what is wrong");
        });
        Assert.That(await _host.StateAsync(p.CorrelationId), Is.EqualTo(WriteStates.AwaitingApproval), "nothing decided during the alarm");
        await broker.Node.SetMemoryAlarmAsync(raised: false);

        // The refused approval may still reach the saga once the broker reads again (it was sent before the deadline);
        // approving again then finds it decided or decides it. Either way the write is applied once.
        await Eventually.Until(async () =>
        {
            using var again = await _host.ApproveAsync(p.CorrelationId);
            return again.StatusCode;
        }, s => s is HttpStatusCode.Accepted or HttpStatusCode.OK, TimeSpan.FromSeconds(60), "approving again once the alarm cleared");
        await _host.WaitForStateAsync(p.CorrelationId, WriteStates.Applied, seconds: 60);
        Assert.That(await _host.CountAsync($"FROM crm_journal WHERE \"CorrelationId\" = '{p.CorrelationId}'"), Is.EqualTo(1), "applied once");
    }
}
