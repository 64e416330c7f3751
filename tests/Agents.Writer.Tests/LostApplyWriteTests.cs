using System.Collections.Concurrent;
using Agents.Contracts;
using Agents.Testing;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// A decision commits first, and its ApplyWrite leaves after, with the endpoint's outbox, once the message is handled.
/// When that publish fails (the broker went away, its confirmation never came), the decision stays committed and the
/// message is handled again: an in-memory retry, a redelivery. Before, that copy found the write Applying, sent
/// nothing, and the write waited for the re-drive sweeper (shipped: 10 minutes, seen after broker restarts in
/// <see cref="BrokerRestartUnderLoadTests"/>); now the copy sends the attempt's ApplyWrite again. At shipped settings,
/// on the real saga repository and broker; the publish fails in a filter of the saga endpoint's publish pipe.
/// </summary>
[TestFixture]
public class LostApplyWriteTests : WriterFixture
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_write_approved_on_the_API_whose_ApplyWrite_publish_failed_is_applied_by_the_approvals_retry()
    {
        var lose = new LoseApplyWrites(1);
        var host = _host = await WriterTestHost.StartAsync(configure: b => b.Services.AddSingleton<IConfigureReceiveEndpoint>(lose));
        var write = Proposals.SetPriority("T-lost-apply");
        await host.ProposeAsync(write);
        await host.WaitForStateAsync(write.CorrelationId, WriteStates.AwaitingApproval);

        (await host.ApproveAsync(write.CorrelationId)).EnsureSuccessStatusCode();

        await host.WaitForStateAsync(write.CorrelationId, WriteStates.Applied, (int)Soon.TotalSeconds);
        Assert.Multiple(async () =>
        {
            Assert.That(lose.Lost, Is.EqualTo(new[] { write.CorrelationId }), "the first ApplyWrite failed");
            Assert.That(await host.CountAsync($"FROM crm_journal WHERE \"CorrelationId\" = '{write.CorrelationId}'"), Is.EqualTo(1));
            Assert.That(await host.HistoryAsync(write.CorrelationId), Is.EqualTo(new[] { "proposed", "approved", "resent", "applied" }));
        });
    }

    [Test]
    public async Task Auto_approved_writes_of_a_ticket_whose_ApplyWrite_publish_failed_are_applied_by_the_split_copies()
    {
        var lose = new LoseApplyWrites(1);
        var host = _host = await WriterTestHost.StartAsync(Policies.AutoApproveAll,
            configure: b => b.Services.AddSingleton<IConfigureReceiveEndpoint>(lose));
        ProposeWrite[] writes = [Proposals.SetPriority("T-lost-split"), Proposals.AddTags("T-lost-split", "billing")];

        // One message, one transaction for both writes; its retry is split into one ProposeWrite a write.
        await host.Writer.Services.GetRequiredService<IBus>().Publish(new ProposeWrites { Writes = writes });

        foreach (var write in writes)
            await host.WaitForStateAsync(write.CorrelationId, WriteStates.Applied, (int)Soon.TotalSeconds);
        Assert.That(lose.Lost, Has.Count.EqualTo(1));
        foreach (var write in writes)
            Assert.That(await host.CountAsync($"FROM crm_journal WHERE \"CorrelationId\" = '{write.CorrelationId}'"), Is.EqualTo(1), "one CRM write each");
        // The other write's ApplyWrite may have left with the first attempt, and its copy found it applied or not yet.
        Assert.That(await host.HistoryAsync(lose.Lost.Single()), Is.EqualTo(new[] { "proposed", "approved", "resent", "applied" }));
    }

    /// <summary>Fails the first <c>count</c> ApplyWrite publishes of the saga's endpoint, as a broker gone away would.</summary>
    private sealed class LoseApplyWrites(int count) : IConfigureReceiveEndpoint
    {
        private readonly ConcurrentQueue<Guid> _lost = new();
        private int _left = count;

        /// <summary>The writes whose ApplyWrite failed.</summary>
        public IReadOnlyCollection<Guid> Lost => _lost;

        public void Configure(string name, IReceiveEndpointConfigurator configurator)
        {
            if (name != KebabCaseEndpointNameFormatter.Instance.Saga<WriteApprovalState>())
                return;
            configurator.ConfigurePublish(p => p.UseExecute(context =>
            {
                if (context is PublishContext<ApplyWrite> apply && Interlocked.Decrement(ref _left) >= 0)
                {
                    _lost.Enqueue(apply.Message.CorrelationId);
                    throw new InvalidOperationException("test: the broker did not confirm the ApplyWrite");
                }
            }));
        }
    }
}
