using Agents.Contracts;
using Agents.Harness;
using Agents.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NUnit.Framework;

namespace Agents.Classifier.Tests.Drafting;

/// <summary>
/// A ticket whose outcome cannot be published yet (here: a copy of its delivery holds the delivery's row, as a racing
/// instance would, until the lock wait runs out) is retried; its classification comes from the cache on each attempt,
/// and so must its drafted reply: the model is paid once per delivery, not once per attempt.
/// </summary>
public class DraftRetryTests
{
    private const string Reply = "Hello,\n\nthank you for your message. We are looking into the failing export and will get back to you tomorrow.\n\nYour support team";

    [Test]
    public async Task A_ticket_retried_after_its_draft_asks_the_model_for_the_draft_once()
    {
        await using var servers = await IsolatedServers.CreateAsync();
        await using var llm = await FakeLlmServer.StartAsync();
        llm.Answer = r => r.IsDraft ? Reply : FakeLlmServer.ClassificationJson();
        await using var classifier = await ClassifierHost.StartAsync(servers, llm, new Dictionary<string, string?>
        {
            ["Database:LockTimeout"] = "00:00:01",
            ["Redelivery:Retries:0"] = "00:00:00.100",
            ["Redelivery:Retries:1"] = "00:00:00.100",
            ["Redelivery:Retries:2"] = "00:00:00.100",
            ["Redelivery:Delays:0"] = "00:00:01",
        });
        await using var proposals = await BusProbe.StartAsync(servers.Broker, typeof(ProposeWrites));

        // A copy of the delivery in flight elsewhere: its row inserted, not committed.
        await using var copy = new NpgsqlConnection(servers.Database.ConnectionString);
        await copy.OpenAsync();
        await using var tx = await copy.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO classifier_deliveries (\"Source\", \"ExternalId\", \"DeliveryId\", \"HandledAt\") VALUES ('generic', 'retried-1', 'd-retried-1', now())",
            copy, tx))
            await insert.ExecuteNonQueryAsync();

        await classifier.Services.GetRequiredService<IBus>().Publish(new TicketReceived
        {
            Source = "generic", ExternalId = "retried-1", EventKind = "created", DeliveryId = "d-retried-1",
            Subject = "Export fails", Body = "The export to Excel fails with an error since yesterday. Could you please have a look at it?",
            ReceivedAt = DateTimeOffset.UtcNow,
        });

        // Two attempts ran out of their lock wait after drafting; then the copy goes away without publishing.
        await Eventually.Until(() => servers.Database.ScalarAsync<long>(
                "SELECT count(*) FROM classifier_steps WHERE \"ExternalId\" = 'retried-1' AND \"Step\" = 'failed'"),
            n => n >= 2, TimeSpan.FromSeconds(30), "two attempts failed on the held delivery row");
        await tx.RollbackAsync();

        await Eventually.Until(() => Task.FromResult(ClassifierHost.Messages(proposals.Bodies).Count(m => m.GetProperty("kind").GetString() == WriteKinds.AddNote)),
            n => n >= 1, TimeSpan.FromSeconds(30), "the drafted reply proposed once the row was free");
        var reply = ClassifierHost.Messages(proposals.Bodies).Single(m => m.GetProperty("kind").GetString() == WriteKinds.AddNote);
        Assert.That(reply.GetProperty("changes").GetProperty("body").GetString(), Is.EqualTo(Reply));
        Assert.That(llm.DraftCallCount, Is.EqualTo(1), "one draft request for the delivery, whatever the attempts");
        var steps = await servers.Database.ScalarAsync<long>(
            "SELECT count(*) FROM classifier_steps WHERE \"ExternalId\" = 'retried-1' AND \"Step\" = 'draft-request' AND \"Outcome\" = 'reused'");
        Assert.That(steps, Is.GreaterThanOrEqualTo(2), "each later attempt says its draft was reused");
    }
}
