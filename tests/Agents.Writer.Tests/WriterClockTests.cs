using System.Net;
using System.Net.Http.Json;
using Agents.Testing;
using Agents.Writer.Expiry;
using Agents.Writer.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// The writer reads time from the registered <see cref="TimeProvider"/> only: the saga, its decision activity, its
/// audit rows and the expiry sweeper all follow a clock the test moves, so expiry is tested without waiting for it.
/// </summary>
[TestFixture]
public class WriterClockTests : WriterFixture
{
    [Test]
    public async Task A_write_is_proposed_audited_and_expired_on_the_registered_clock()
    {
        var clock = new ManualClock();
        _host = await WriterTestHost.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        var p = Proposals.SetPriority("T-clock") with { ProposedAt = default }; // the saga takes its own "now"
        await _host.ProposeAsync(p);
        await _host.WaitForStateAsync(p.CorrelationId, WriteStates.AwaitingApproval);

        var detail = await _host.DetailAsync(p.CorrelationId);
        var write = detail.GetProperty("write");
        Assert.Multiple(() =>
        {
            Assert.That(write.GetProperty("proposedAt").GetDateTimeOffset(), Is.EqualTo(clock.Now));
            Assert.That(write.GetProperty("expiresAt").GetDateTimeOffset(), Is.EqualTo(clock.Now + new WriterOptions().ApprovalTimeout),
                "the decision activity starts the approval clock from the proposal's time");
            Assert.That(detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("at").GetDateTimeOffset()),
                Is.All.EqualTo(clock.Now), "audit rows carry the clock's time");
        });

        // Three days later by the clock, not by the wall: one sweep expires it.
        clock.Advance(new WriterOptions().ApprovalTimeout + TimeSpan.FromSeconds(1));
        var sweeper = _host.Writer.Services.GetServices<IHostedService>().OfType<ExpirySweeper>().Single();
        // Swept until expired: the hosted sweeper may hold the sweep lock at that moment (then it publishes instead).
        await Eventually.Until(async () =>
        {
            await sweeper.SweepOnceAsync(CancellationToken.None);
            return await _host.StateAsync(p.CorrelationId);
        }, s => s == WriteStates.Expired, TimeSpan.FromSeconds(30), "the write to expire on the moved clock");
        Assert.That(await _host.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed", "expired" }));
        var approve = await _host.Api.PostAsJsonAsync($"/approvals/{p.CorrelationId}/approve", new { });
        Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }
}
