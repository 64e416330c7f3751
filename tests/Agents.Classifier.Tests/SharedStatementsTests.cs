using Agents.Classifier.History;
using Agents.Classifier.Persistence;
using Agents.Contracts;
using Agents.Harness;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>
/// The step log and the requester history on real PostgreSQL, written by many tickets at once: tickets handled at
/// the same time share a statement, and none of them may lose a row, its order, or its call's wait for the write.
/// </summary>
[TestFixture]
public class SharedStatementsTests
{
    [Test]
    public async Task Two_hundred_tickets_writing_their_steps_at_once_each_find_all_of_them_in_order_when_the_call_returns()
    {
        await using var database = await IsolatedDatabase.CreateAsync();
        await using var classifier = await InProcessClassifier.StartAsync(null, connectionString: database.ConnectionString);
        var log = classifier.Services.GetRequiredService<IStepLog>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var steps = Enumerable.Range(0, 6).Select(n => new TicketStep
            {
                Source = "test", ExternalId = $"T-{i}", DeliveryId = $"d-{i}", Step = $"s{n}", At = DateTimeOffset.UtcNow,
            }).ToList();
            await log.WriteAsync(steps, CancellationToken.None);
            // Returned means written: nothing here waits for a batch still under way.
            var written = await database.ScalarAsync<string>(
                $"SELECT coalesce(string_agg(\"Step\", ',' ORDER BY \"Id\"), '') FROM classifier_steps WHERE \"ExternalId\" = 'T-{i}'");
            Assert.That(written, Is.EqualTo("s0,s1,s2,s3,s4,s5"), $"ticket T-{i}: every step, in the order given");
        });

        Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM classifier_steps"), Is.EqualTo(1200));
    }

    [Test]
    public async Task One_ticket_recorded_many_times_at_once_keeps_one_row_and_a_later_record_wins()
    {
        await using var database = await IsolatedDatabase.CreateAsync();
        await using var classifier = await InProcessClassifier.StartAsync(null, connectionString: database.ConnectionString);
        var history = classifier.Services.GetRequiredService<ITicketHistory>();
        var ticket = InProcessClassifier.Ticket("T-1", "Invoice", "Charged twice") with { Requester = new Requester("Ana", "ana@example.com") };
        var classification = new Classification
        {
            Category = "Billing and Payments", Priority = "low", Sentiment = "neutral", Language = "en", Confidence = 0.9, ClassifiedBy = "rules",
        };

        // Calls that arrive while one statement is under way share the next: here, the same ticket several times in it,
        // which PostgreSQL refuses in one upsert unless the batch names it once.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(n => Task.Run(() =>
            history.RecordAsync(ticket, classification, $"proposed: {n}", CancellationToken.None))));
        await history.RecordAsync(ticket, classification with { Priority = "high" }, "proposed: last", CancellationToken.None);

        Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM classifier_ticket_outcomes"), Is.EqualTo(1));
        Assert.That(await database.ScalarAsync<string>("SELECT \"Outcome\" || '/' || \"Priority\" FROM classifier_ticket_outcomes"),
            Is.EqualTo("proposed: last/high"));
    }
}
