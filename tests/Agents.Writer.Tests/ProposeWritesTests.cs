using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// A ticket's proposals in one message (<see cref="ProposeWrites"/>, what the classifier publishes) are held as each
/// would be alone, in one transaction; what cannot be held together is split into single proposals, so a bad write
/// never takes the ticket's others with it. Rows written by one transaction share its id (<c>xmin</c>): that is how
/// the tests tell one transaction from three.
/// </summary>
[TestFixture]
public class ProposeWritesTests : WriterFixture
{
    private static readonly Dictionary<string, string?> ShortRetries = new()
    {
        ["Redelivery:Retries:0"] = "00:00:00.050",
        ["Redelivery:Retries:1"] = "00:00:00.050",
    };

    [Test]
    public async Task A_tickets_proposals_are_held_in_one_transaction_as_each_would_be_alone()
    {
        _host = await WriterTestHost.StartAsync();
        ProposeWrite[] writes = [Proposals.SetPriority("T-one"), Proposals.AddTags("T-one", "billing"), Proposals.SetCategory("T-one", "billing")];

        await PublishAsync(writes);

        foreach (var write in writes)
            await _host.WaitForStateAsync(write.CorrelationId, WriteStates.AwaitingApproval);
        Assert.That(await TransactionsAsync("write_approvals", "T-one"), Is.EqualTo(1), "the three saga rows in one transaction");
        Assert.That(await TransactionsAsync("write_audit", "T-one"), Is.EqualTo(1), "their audit rows in the same one");
        Assert.That(await _host.CountAsync("FROM write_audit a JOIN write_approvals w USING (\"CorrelationId\") WHERE w.\"ExternalId\" = 'T-one' AND a.\"Action\" = 'proposed'"),
            Is.EqualTo(3), "each write audited as proposed");

        // The same writes one message each (positive control: the measure tells three transactions from one).
        ProposeWrite[] alone = [Proposals.SetPriority("T-alone"), Proposals.AddTags("T-alone", "billing"), Proposals.SetCategory("T-alone", "billing")];
        foreach (var write in alone)
            await _host.ProposeAsync(write);
        foreach (var write in alone)
            await _host.WaitForStateAsync(write.CorrelationId, WriteStates.AwaitingApproval);
        Assert.That(await TransactionsAsync("write_approvals", "T-alone"), Is.EqualTo(3));

        // A copy of the message: every write a duplicate, counted as such, nothing new.
        await PublishAsync(writes);
        await Eventually.Until(() => _host.CountAsync("FROM write_approvals WHERE \"ExternalId\" = 'T-one' AND \"DuplicateCount\" = 1"),
            n => n == 3, TimeSpan.FromSeconds(30), "the copy counted as a duplicate of each write");
        Assert.That(await _host.CountAsync("FROM write_approvals WHERE \"ExternalId\" = 'T-one'"), Is.EqualTo(3));
    }

    [Test]
    public async Task What_the_writer_logs_about_each_write_of_a_message_names_that_write()
    {
        var logs = new LogCapture();
        _host = await WriterTestHost.StartAsync(configure: b => b.Logging.AddProvider(logs));
        ProposeWrite[] writes = [Proposals.SetPriority("T-scope"), Proposals.AddTags("T-scope", "billing")];

        await PublishAsync(writes);

        foreach (var write in writes)
            await _host.WaitForStateAsync(write.CorrelationId, WriteStates.AwaitingApproval);
        foreach (var write in writes)
        {
            var held = await Eventually.Until(() => Task.FromResult(logs.Lines.FirstOrDefault(l => l.Contains("Held " + write.IdempotencyKey, StringComparison.Ordinal))),
                l => l is not null, TimeSpan.FromSeconds(10), "the write's held line");
            Assert.That(held, Does.Contain("IdempotencyKey:" + write.IdempotencyKey).And.Contain("CorrelationId:" + write.CorrelationId),
                "the line carries its own write's scope, as for a single ProposeWrite");
        }
    }

    [Test]
    public async Task Each_write_of_a_message_has_a_span_of_its_own_inside_the_messages()
    {
        using var spans = new ActivityCapture();
        _host = await WriterTestHost.StartAsync();
        ProposeWrite[] writes = [Proposals.SetPriority("T-span"), Proposals.AddTags("T-span", "billing")];

        await PublishAsync(writes);

        foreach (var write in writes)
            await _host.WaitForStateAsync(write.CorrelationId, WriteStates.AwaitingApproval);
        foreach (var write in writes)
        {
            var own = await Eventually.Until(() => Task.FromResult(spans.Spans.Where(s => s.Contains("agents.idempotency_key=" + write.IdempotencyKey, StringComparison.Ordinal)).ToList()),
                l => l.Count > 0, TimeSpan.FromSeconds(10), "the write's span");
            Assert.That(own, Has.Count.EqualTo(1).And.One.StartsWith($"Agents propose {write.Kind} ")
                .And.One.Contains(" parent=MassTransit:write-approval-state process"), "one span for the write, inside the message's consume span");
        }
    }

    [Test]
    public async Task Auto_approved_writes_of_one_message_are_applied_once_each()
    {
        _host = await WriterTestHost.StartAsync(Policies.AutoApproveAll);
        ProposeWrite[] writes = [Proposals.SetPriority("T-auto"), Proposals.AddTags("T-auto", "billing")];

        await PublishAsync(writes);

        foreach (var write in writes)
            await _host.WaitForStateAsync(write.CorrelationId, WriteStates.Applied);
        foreach (var write in writes)
            Assert.That(await _host.CountAsync($"FROM crm_journal WHERE \"CorrelationId\" = '{write.CorrelationId}'"), Is.EqualTo(1), "one CRM write each");
    }

    [Test]
    public async Task A_write_that_fails_is_split_from_the_tickets_others_which_are_held()
    {
        _host = await WriterTestHost.StartAsync(settings: ShortRetries);
        // PostgreSQL refuses a NUL in text: this write fails wherever it goes, and failed its message's first attempt.
        var bad = Proposals.AddTags("T-split", "billing") with { Excerpt = "broken\0excerpt" };
        ProposeWrite[] writes = [Proposals.SetPriority("T-split"), bad, Proposals.SetCategory("T-split", "billing")];

        await PublishAsync(writes);

        await _host.WaitForStateAsync(writes[0].CorrelationId, WriteStates.AwaitingApproval);
        await _host.WaitForStateAsync(writes[2].CorrelationId, WriteStates.AwaitingApproval);
        await Eventually.Until(() => _host.Broker.DeadLetteredAsync(), n => n == 1, TimeSpan.FromSeconds(30), "the bad write in the error queue");
        Assert.That(await _host.StateAsync(bad.CorrelationId), Is.Null, "the bad write is not held");
        Assert.That(await TransactionsAsync("write_approvals", "T-split"), Is.EqualTo(2), "held one by one after the split");
        await using var connection = await _host.Broker.ConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var failed = await channel.BasicGetAsync("write-approval-state_error", autoAck: false);
        var envelope = System.Text.Encoding.UTF8.GetString(failed!.Body.Span);
        Assert.That(envelope, Does.Contain("urn:message:Agents.Contracts:ProposeWrite\"").And.Contain(bad.IdempotencyKey),
            "the bad write alone, as a single proposal");
    }

    [Test]
    public async Task A_message_naming_a_write_twice_is_held_as_two_proposals_of_it_in_turn()
    {
        _host = await WriterTestHost.StartAsync();
        var first = Proposals.SetPriority("T-twice", "high");
        var second = Proposals.SetPriority("T-twice", "urgent") with { ProposedAt = first.ProposedAt.AddSeconds(1) };

        await PublishAsync([first, second]);

        await _host.WaitForStateAsync(first.CorrelationId, WriteStates.AwaitingApproval);
        await Eventually.Until(() => _host.HistoryAsync(first.CorrelationId), h => h.Count(a => a is "proposed" or "superseded") == 2 || h.Contains("duplicate"),
            TimeSpan.FromSeconds(30), "both proposals handled");
        Assert.That(await _host.CountAsync("FROM write_approvals WHERE \"ExternalId\" = 'T-twice'"), Is.EqualTo(1));
        Assert.That(await _host.Broker.DeadLetteredAsync(), Is.Zero, "nothing failed");
    }

    [Test]
    public async Task Auto_approved_a_message_naming_a_write_twice_applies_both_versions_in_turn()
    {
        _host = await WriterTestHost.StartAsync(Policies.AutoApproveAll);
        var monday = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        var first = Proposals.SetPriority("T-twice-auto", "high") with { TicketUpdatedAt = monday };
        var second = Proposals.SetPriority("T-twice-auto", "urgent") with { TicketUpdatedAt = monday.AddMinutes(1) };

        // Split into two messages, as a message naming a write twice always is: two proposals, not copies of one.
        await PublishAsync([first, second]);

        await Eventually.Until(() => _host.CountAsync($"FROM write_audit WHERE \"Action\" = 'applied' AND \"CorrelationId\" = '{first.CorrelationId}'"),
            n => n == 2, TimeSpan.FromSeconds(30), "both versions applied, one generation each");
        var history = await _host.HistoryAsync(first.CorrelationId);
        Assert.That(history, Does.Not.Contain("resent"), string.Join(", ", history));
        Assert.That(await _host.CountAsync($"FROM crm_journal WHERE \"CorrelationId\" = '{first.CorrelationId}'"), Is.EqualTo(2));
    }

    [Test]
    public async Task Tickets_whose_writes_open_review_batches_of_several_kinds_at_once_do_not_deadlock()
    {
        // Every proposal after the first of its kind in a minute trips the guard, and each round starts with no batch
        // open: the writes of both tickets open (or join) a batch of each kind inside their transactions, at once.
        var logs = new LogCapture();
        _host = await WriterTestHost.StartAsync(settings: new Dictionary<string, string?> { ["Writer:BulkGuard:MaxProposalsPerMinute"] = "1" },
            configure: b => b.Logging.AddProvider(logs));
        for (var round = 0; round < 10; round++)
        {
            await _host.Database.ScalarAsync<long>(
                "WITH u AS (UPDATE bulk_batches SET \"ClosedAt\" = now() WHERE \"ClosedAt\" IS NULL RETURNING 1) SELECT count(*) FROM u");
            // Two tickets whose writes' keys sort in opposite orders of kind: in key order alone, one opens add-tags'
            // batch first and the other set-priority's.
            var tickets = new[] { TicketWhoseKeysSort($"T-dl-{round}-a", tagsFirst: true), TicketWhoseKeysSort($"T-dl-{round}-b", tagsFirst: false) };
            await Task.WhenAll(tickets.Select(PublishAsync));
            foreach (var write in tickets.SelectMany(t => t))
                await Eventually.Until(() => _host.StateAsync(write.CorrelationId), s => s is WriteStates.HeldForBulkReview or WriteStates.AwaitingApproval,
                    TimeSpan.FromSeconds(60), $"round {round}: {write.Kind} of {write.ExternalId} held");
        }
        Assert.That(logs.Lines.Where(l => l.Contains("40P01", StringComparison.Ordinal)), Is.Empty, "no transaction was a deadlock's victim");
    }

    /// <summary>A ticket's add-tags and set-priority writes, the first tried name whose two keys sort in the asked order.</summary>
    private static ProposeWrite[] TicketWhoseKeysSort(string externalId, bool tagsFirst)
    {
        for (var n = 0; ; n++)
        {
            ProposeWrite tags = Proposals.AddTags($"{externalId}-{n}", "billing"), priority = Proposals.SetPriority($"{externalId}-{n}");
            if (tags.CorrelationId.CompareTo(priority.CorrelationId) < 0 == tagsFirst)
                return [tags, priority];
        }
    }

    private Task PublishAsync(IReadOnlyList<ProposeWrite> writes) =>
        _host!.Writer.Services.GetRequiredService<IBus>().Publish(new ProposeWrites { Writes = writes });

    /// <summary>How many transactions wrote the ticket's rows of <paramref name="table"/>.</summary>
    private Task<long> TransactionsAsync(string table, string externalId) => _host!.CountAsync(table == "write_approvals"
        ? $"FROM (SELECT DISTINCT xmin::text FROM write_approvals WHERE \"ExternalId\" = '{externalId}') t"
        : $"FROM (SELECT DISTINCT a.xmin::text FROM write_audit a JOIN write_approvals w USING (\"CorrelationId\") WHERE w.\"ExternalId\" = '{externalId}') t");
}
