using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Contracts;
using Agents.Harness;
using Agents.ServiceDefaults;
using Agents.Testing;
using Agents.Writer;
using Agents.Writer.Persistence;
using MassTransit;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// A deployment that ran classic queues switched to quorum (<c>RabbitMq__QueueType=quorum</c>) while proposals
/// waited for the writer: the writer recreates its queues at start, and every waiting proposal reaches the saga.
/// </summary>
[TestFixture]
public class QueueTypeSwitchTests
{
    [Test]
    public async Task Proposals_waiting_in_classic_queues_reach_the_saga_after_the_switch_to_quorum()
    {
        await using var servers = await IsolatedServers.CreateAsync();
        var broker = servers.Broker;
        var settings = new SystemSettings { Broker = broker.Settings, ConnectionString = servers.Database.ConnectionString };
        IReadOnlyDictionary<string, string?> As(string queueType) =>
            new Dictionary<string, string?>(settings.Writer) { ["RabbitMq:QueueType"] = queueType };

        await using (await RunningService.StartAsync(WriterService.Build, [As("classic")], sp => DatabaseMigration.MigrateAsync<WriterDbContext>(sp)))
        {
        }
        var proposals = Enumerable.Range(0, 25).Select(i => Proposal($"switch-{i}")).ToList();
        await PublishWhileNoWriterRunsAsync(broker, proposals);
        Assert.That((await broker.QueuesAsync()).Single(q => q.Name == "write-approval-state").Type, Is.EqualTo("classic"));

        await using var writer = await RunningService.StartAsync(WriterService.Build, [As("quorum")]);
        writer.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApproverToken);
        var pending = await Eventually.Until(
            async () => await writer.Client.GetFromJsonAsync<List<JsonElement>>("/approvals?state=AwaitingApproval") ?? [],
            p => p.Count >= proposals.Count, TimeSpan.FromSeconds(60), "every waiting proposal to be held for approval");

        var queues = await broker.QueuesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(pending.Select(p => p.GetProperty("idempotencyKey").GetString()), Is.EquivalentTo(proposals.Select(p => p.IdempotencyKey)));
            Assert.That(queues.Where(q => q.Name.StartsWith("write-approval-state", StringComparison.Ordinal) || q.Name.StartsWith("apply-write", StringComparison.Ordinal))
                .Select(q => $"{q.Name}: {q.Type}"), Has.All.EndWith(": quorum"));
        });
    }

    private static ProposeWrite Proposal(string ticket)
    {
        var key = WriteKey.For("generic", ticket, WriteKinds.SetPriority);
        return new ProposeWrite
        {
            CorrelationId = WriteKey.CorrelationIdFor(key),
            IdempotencyKey = key,
            Source = "generic",
            ExternalId = ticket,
            Kind = WriteKinds.SetPriority,
            Changes = new Dictionary<string, string> { ["priority"] = "high" },
            RecordCount = 1,
            Subject = "Invoice charged twice",
            ProposedAt = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>Publishes from a bus of the test's own (no consumers), so the proposals wait in the writer's classic queue.</summary>
    private static async Task PublishWhileNoWriterRunsAsync(IsolatedBroker broker, IEnumerable<ProposeWrite> proposals)
    {
        var bus = await BusClient.StartAsync(broker);
        try
        {
            foreach (var proposal in proposals)
                await bus.Publish(proposal);
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}
