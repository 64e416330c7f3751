using Agents.Harness;
using Agents.Testing;
using Agents.Writer.Escalations;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// The inbox takes an escalation in and proposes its <c>escalate</c> write inside one transaction. During a broker
/// memory alarm that proposal waits in the blocked connection, and an alarm longer than PostgreSQL's
/// idle-in-transaction limit ends the transaction under it. Once the alarm clears the proposal reaches the broker:
/// the inbox must record the escalation without proposing it a second time. On a broker of the test's own.
/// </summary>
[TestFixture]
public class EscalationAlarmTests : WriterFixture
{
    [Test]
    public async Task An_escalation_whose_inbox_transaction_an_alarm_outlasts_is_proposed_once()
    {
        await using var broker = await OwnBroker.StartAsync();
        _host = await WriterTestHost.StartAsync(settings: new Dictionary<string, string?>(broker.Settings)
        {
            ["Database:IdleInTransactionTimeout"] = "00:00:03",
            // The writer waits on the test's lock below for as long as the test needs.
            ["Database:LockTimeout"] = "00:01:00",
        });
        var escalation = EscalationInboxTests.Escalation("generic", $"T-inbox-alarm-{Guid.NewGuid():N}");

        // The test holds the ticket's inbox lock, so the writer takes the escalation and waits there until the alarm is on.
        await using var holder = new NpgsqlConnection(_host.Database.ConnectionString);
        await holder.OpenAsync();
        await InboxLockAsync(holder, escalation.Source, escalation.ExternalId, "pg_advisory_lock");
        await _host.Writer.Services.GetRequiredService<IBus>().Publish(escalation);
        await Eventually.Until(() => _host.Database.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'"),
            n => n >= 1, TimeSpan.FromSeconds(30), "the writer waiting for the ticket's inbox lock");

        await broker.Node.SetMemoryAlarmAsync(raised: true);
        await InboxLockAsync(holder, escalation.Source, escalation.ExternalId, "pg_advisory_unlock");
        await Eventually.Until(() => _host.Database.ScalarAsync<long>(IdleInTransaction), n => n >= 1, TimeSpan.FromSeconds(30),
            "the inbox's transaction open while its proposal waits for the broker");
        await Eventually.Until(() => _host.Database.ScalarAsync<long>(IdleInTransaction), n => n == 0, TimeSpan.FromSeconds(30),
            "PostgreSQL ended it at its idle-in-transaction limit");
        await broker.Node.SetMemoryAlarmAsync(raised: false);

        var write = EscalateProposal.WriteIdFor(escalation.Source, escalation.ExternalId);
        await Eventually.Until(() => _host.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM crm_journal WHERE \"CorrelationId\" = '{write}'"),
            n => n == 1, TimeSpan.FromSeconds(60), "the escalate write applied");
        await Eventually.Until(() => _host.CountAsync($"FROM escalations WHERE \"ExternalId\" = '{escalation.ExternalId}'"),
            n => n == 1, TimeSpan.FromSeconds(30), "the escalation in the inbox");
        // Time for a second proposal to arrive, had one been made.
        await Task.Delay(TimeSpan.FromSeconds(3));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await _host.Database.ScalarAsync<int>($"SELECT \"DuplicateCount\" FROM write_approvals WHERE \"CorrelationId\" = '{write}'"),
                Is.Zero, "the escalate write proposed once");
            Assert.That(await _host.Database.ScalarAsync<int>($"SELECT \"DuplicateCount\" FROM escalations WHERE \"ExternalId\" = '{escalation.ExternalId}'"),
                Is.Zero, "the escalation taken in once");
            Assert.That(await _host.CountAsync($"FROM crm_journal WHERE \"CorrelationId\" = '{write}'"), Is.EqualTo(1), "applied once");
        });
    }

    private const string IdleInTransaction =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'";

    /// <summary>The advisory lock <see cref="EscalationInbox"/> takes for a ticket ("ESC1", the ticket's hash).</summary>
    private static async Task InboxLockAsync(NpgsqlConnection connection, string source, string externalId, string function)
    {
        await using var command = new NpgsqlCommand($"SELECT {function}(1163084593, hashtext(@ticket))", connection);
        command.Parameters.AddWithValue("ticket", $"{source}\n{externalId}");
        await command.ExecuteScalarAsync();
    }
}
