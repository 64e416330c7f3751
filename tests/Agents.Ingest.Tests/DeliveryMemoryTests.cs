using Agents.Contracts;
using Agents.Ingest.Persistence;
using Agents.Ingest.Webhooks;
using Agents.ServiceDefaults;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// How ingest remembers accepted deliveries: in memory for a minute per instance (<see cref="InFlightDeliveries"/>),
/// and in PostgreSQL through batched statements (<see cref="StatementBatcher{TRequest,TResult}"/>, <see cref="DeliveryStore"/>).
/// </summary>
[TestFixture]
public class DeliveryMemoryTests
{
    private static async Task AcceptAsync(InFlightDeliveries memory, string key)
    {
        var claim = await memory.ClaimOrWaitAsync(key, CancellationToken.None);
        Assert.That(claim, Is.Not.Null, $"{key} should be claimable");
        memory.Release(key, claim!, accepted: true);
    }

    [Test]
    public async Task An_accepted_delivery_is_recognised_for_a_minute_then_forgotten()
    {
        var clock = new ManualClock();
        var memory = new InFlightDeliveries(clock);
        await AcceptAsync(memory, "generic\nevt-1");

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.That(await memory.ClaimOrWaitAsync("generic\nevt-1", CancellationToken.None), Is.Null, "a retry within the minute is a duplicate");

        clock.Advance(TimeSpan.FromSeconds(2));
        await AcceptAsync(memory, "generic\nevt-2"); // accepting another delivery forgets what expired
        Assert.That(await memory.ClaimOrWaitAsync("generic\nevt-1", CancellationToken.None), Is.Not.Null,
            "after the minute the database, not the memory, answers for it");
    }

    [Test]
    public async Task Tens_of_thousands_accepted_within_a_minute_are_all_remembered_then_all_forgotten()
    {
        var clock = new ManualClock();
        var memory = new InFlightDeliveries(clock);
        const int count = 30_000;
        for (var i = 0; i < count; i++)
        {
            await AcceptAsync(memory, $"generic\nk{i}");
            if (i % 1_000 == 0) clock.Advance(TimeSpan.FromSeconds(1));
        }
        for (var i = 0; i < count; i += 997)
            Assert.That(await memory.ClaimOrWaitAsync($"generic\nk{i}", CancellationToken.None), Is.Null, $"k{i} accepted within the minute");

        clock.Advance(TimeSpan.FromMinutes(2));
        await AcceptAsync(memory, "generic\nlater");
        for (var i = 0; i < count; i += 997)
        {
            var claim = await memory.ClaimOrWaitAsync($"generic\nk{i}", CancellationToken.None);
            Assert.That(claim, Is.Not.Null, $"k{i} forgotten after its minute");
            memory.Release($"generic\nk{i}", claim!, accepted: false);
        }
    }

    [Test]
    public async Task A_delivery_accepted_again_after_its_minute_is_remembered_from_then()
    {
        var clock = new ManualClock();
        var memory = new InFlightDeliveries(clock);
        await AcceptAsync(memory, "generic\nagain");
        clock.Advance(TimeSpan.FromSeconds(61));
        await AcceptAsync(memory, "generic\nagain");
        clock.Advance(TimeSpan.FromSeconds(30));
        await AcceptAsync(memory, "generic\nother"); // walks past the first, expired entry of the same key
        Assert.That(await memory.ClaimOrWaitAsync("generic\nagain", CancellationToken.None), Is.Null,
            "the second acceptance counts from its own time, not the first one's");
    }

    [Test]
    public async Task Requests_arriving_during_a_round_trip_share_the_next_one()
    {
        var batches = new List<int>();
        var firstRoundTrip = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var batcher = new StatementBatcher<int, int>(async requests =>
        {
            lock (batches) batches.Add(requests.Count);
            if (batches.Count == 1) await firstRoundTrip.Task;
            return requests.Select(r => r * 10).ToList();
        });

        var first = batcher.RunAsync(1, CancellationToken.None);
        await Eventually.Until(() => Task.FromResult(batches.Count), n => n == 1, TimeSpan.FromSeconds(5), "the first round trip");
        var waiting = Enumerable.Range(2, 10).Select(i => batcher.RunAsync(i, CancellationToken.None)).ToList();
        firstRoundTrip.SetResult();

        Assert.That(await first, Is.EqualTo(10));
        Assert.That(await Task.WhenAll(waiting), Is.EqualTo(Enumerable.Range(2, 10).Select(i => i * 10)), "each caller gets its own result");
        Assert.That(batches, Is.EqualTo(new[] { 1, 10 }), "the ten that waited went in one statement");
    }

    [Test]
    public async Task A_failed_batch_fails_every_caller_in_it_and_the_next_batch_runs()
    {
        var calls = 0;
        await using var batcher = new StatementBatcher<int, int>(requests =>
            Interlocked.Increment(ref calls) == 1
                ? throw new InvalidOperationException("database went away")
                : Task.FromResult<IReadOnlyList<int>>(requests.ToList()));

        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.RunAsync(1, CancellationToken.None));
        Assert.That(await batcher.RunAsync(2, CancellationToken.None), Is.EqualTo(2));
    }

    [Test]
    public async Task Posted_requests_are_written_before_disposal_completes()
    {
        var written = new List<int>();
        var batcher = new StatementBatcher<int, bool>(async requests =>
        {
            await Task.Delay(20);
            lock (written) written.AddRange(requests);
            return requests.Select(_ => true).ToList();
        }, linger: TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 100; i++)
            batcher.Post(i);
        await batcher.DisposeAsync();
        Assert.That(written, Is.EquivalentTo(Enumerable.Range(0, 100)), "a stopping instance flushes what it accepted");
    }

    [Test]
    public async Task Remembered_deliveries_are_found_by_later_lookups_of_their_own_source_only()
    {
        await using var ingest = await IngestHost.StartAsync();
        var store = ingest.Service.Services.GetRequiredService<DeliveryStore>();
        TicketReceived Ticket(string source, string delivery) => new()
        {
            Source = source, ExternalId = "T-" + delivery, EventKind = "ticket.created", DeliveryId = delivery, ReceivedAt = DateTimeOffset.UtcNow,
        };
        store.Remember("generic", [(Ticket("generic", "evt-a"), Guid.NewGuid(), "evt-a"), (Ticket("generic", "evt-b"), Guid.NewGuid(), "evt-b")]);
        store.Remember("zendesk", [(Ticket("zendesk", "evt-c"), Guid.NewGuid(), "evt-c")]);

        var known = await Eventually.Until(
            () => store.KnownAsync("generic", ["evt-a", "evt-b", "evt-c", "evt-new"], CancellationToken.None),
            k => k.Count == 2, TimeSpan.FromSeconds(10), "the write-behind records");
        Assert.That(known, Is.EquivalentTo(new[] { "evt-a", "evt-b" }), "evt-c was accepted for zendesk, not generic");

        // Lookups of several sources in one round trip keep each answer to its own source.
        var lookups = await Task.WhenAll(
            store.KnownAsync("zendesk", ["evt-a", "evt-c"], CancellationToken.None),
            store.KnownAsync("generic", ["evt-b"], CancellationToken.None),
            store.KnownAsync("github", ["evt-a"], CancellationToken.None));
        Assert.That(lookups[0], Is.EquivalentTo(new[] { "evt-c" }));
        Assert.That(lookups[1], Is.EquivalentTo(new[] { "evt-b" }));
        Assert.That(lookups[2], Is.Empty);
    }
}
