using System.Text.Json;
using Agents.Contracts;
using Agents.Harness;
using Agents.Replay;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// The real multilingual file (../shared/data/tickets/multilang_dev.csv) replayed through the live system (signed
/// webhooks into ingest, the classifier on its shipped rules, the writer): every ticket the classifier escalated, as
/// a queue of the test's own saw it on the bus, is in the inbox exactly once, and its escalate write reached the
/// journal (the shipped route for the generic source) exactly once, auto-approved by the shipped policy. The bulk
/// guard is off: holding hundreds of writes a minute for review is its job, and not what this proves.
/// </summary>
[TestFixture]
public class EscalationReplayTests
{
    [Test]
    public async Task Every_escalated_ticket_of_the_multilingual_file_is_in_the_inbox_once_and_its_escalate_write_in_the_journal_once()
    {
        var file = SharedDataFile.Require(Path.Combine("tickets", "multilang_dev.csv"));
        await using var system = await AgentsSystem.StartAsync(bulkGuardOff: true);
        await using var escalated = await BusProbe.StartAsync(system.Broker, typeof(TicketEscalated));
        await using var classified = await BusProbe.StartAsync(system.Broker, typeof(TicketClassified));
        var deliveries = ReplayDeliveries.From(ReplayInput.Read(file), ReplayDeliveries.DefaultPrefix(file));

        var report = await new IngestReplayer(system.Ingest.Address, new ReplayOptions
        {
            IngestSecret = SignedWebhooks.Secret, Concurrency = 8, MaxAttempts = 10, MaxRetryAfter = TimeSpan.FromSeconds(5),
        }).SendAsync(deliveries, CancellationToken.None);
        Assert.That(report.AllIn, Is.True, report.Csv());

        static string Ticket(string envelope) => JsonDocument.Parse(envelope).RootElement.GetProperty("message").GetProperty("externalId").GetString()!;
        var tickets = deliveries.Select(d => d.ExternalId).ToHashSet();
        await Eventually.Until(() => Task.FromResult(classified.Bodies.Select(Ticket).Distinct().Count()), n => n == tickets.Count,
            TimeSpan.FromSeconds(120), "every ticket classified");
        // The escalations travel beside the verdicts: wait until the bus, the inbox and the journal agree on how many.
        await Eventually.Until(async () => (Bus: escalated.Bodies.Select(Ticket).Distinct().Count(),
                Inbox: await system.Database.ScalarAsync<long>("SELECT count(*) FROM escalations"),
                Journal: await system.Database.ScalarAsync<long>("SELECT count(*) FROM crm_journal WHERE \"Kind\" = 'escalate'")),
            n => n.Bus > 0 && n.Bus == n.Inbox && n.Inbox == n.Journal, TimeSpan.FromSeconds(120), "every escalation in the inbox and its write in the journal");
        var escalatedTickets = escalated.Bodies.Select(Ticket).ToHashSet();
        Assert.That(escalatedTickets, Has.Count.GreaterThan(tickets.Count / 4), "the file has many tickets a person must see");
        var inbox = await Rows(system, "SELECT \"ExternalId\" FROM escalations");
        var journal = await Rows(system, "SELECT \"ExternalId\" FROM crm_journal WHERE \"Kind\" = 'escalate'");
        Assert.Multiple(() =>
        {
            Assert.That(inbox, Is.EquivalentTo(escalatedTickets), "in the inbox, exactly once each");
            Assert.That(journal, Is.EquivalentTo(escalatedTickets), "in the journal, exactly once each");
        });
        Assert.That(await system.Database.ScalarAsync<long>("SELECT count(*) FROM escalations WHERE \"ReasonKind\" = 'other'"), Is.Zero,
            "every row says why, as one of the reasons");
    }

    private static async Task<List<string>> Rows(AgentsSystem system, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(reader.GetString(0));
        return rows;
    }
}
