using System.Net;
using Agents.Contracts;
using Agents.Harness;
using Agents.ServiceDefaults.Publishing;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using RabbitMQ.Client;

namespace Agents.Ingest.Tests;

/// <summary>
/// A broker short of memory or disk blocks every connection that publishes: ingest's sends time out as they do on a
/// stalled channel, but a new process would be blocked the same. Ingest answers 503 (the vendor retries), says why,
/// and runs on; before, its stall guard stopped it every limit for as long as the alarm lasted. On a broker of the
/// test's own (the alarm blocks every publisher of the node, and the shared one serves the other tests).
/// </summary>
[TestFixture]
public sealed class BrokerAlarmTests
{
    private static string Ticket(int n) =>
        $$$"""{"type":"ticket.created","ticket":{"id":"ALARM-{{{n}}}-{{{Guid.NewGuid():N}}}","subject":"alarm {{{n}}}"}}""";

    [Test]
    public async Task Ingest_answers_503_through_a_broker_memory_alarm_runs_on_and_accepts_once_it_clears()
    {
        await using var broker = await OwnBroker.StartAsync();
        await BindTicketQueueAsync(broker.Port);
        await using var host = await IngestHost.StartAsync(new Dictionary<string, string?>(broker.Settings)
        {
            ["Ingest:PublishTimeout"] = "00:00:01",
            ["RabbitMq:ContinuationTimeout"] = "00:00:03",
            ["RabbitMq:StopWhenPublishingStalledFor"] = "00:00:06",
        });
        var stopping = host.Service.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        Assert.That((await host.SendAsync("generic", Ticket(0))).StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "before the alarm");

        await broker.Node.SetMemoryAlarmAsync(raised: true);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answers = new List<HttpStatusCode>();
        for (var n = 1; clock.Elapsed < TimeSpan.FromSeconds(20) && !stopping.IsCancellationRequested; n++)
            answers.Add((await host.SendAsync("generic", Ticket(n))).StatusCode);

        Assert.Multiple(() =>
        {
            Assert.That(stopping.IsCancellationRequested, Is.False, "a broker alarm is not a stall: ingest runs on (limit 6 s, 20 s of alarm)");
            Assert.That(host.Service.Services.GetRequiredService<SupervisorExit>().Reason, Is.Null);
            Assert.That(answers, Has.Count.GreaterThanOrEqualTo(PublishingStall.MinFailures));
            Assert.That(answers.Distinct(), Is.EqualTo(new[] { HttpStatusCode.ServiceUnavailable }), "nothing accepted that the broker did not confirm");
            Assert.That(host.Errors.Entries, Has.Some.Contains("the broker blocks publishers (low on memory)"), "the log says why");
        });

        await broker.Node.SetMemoryAlarmAsync(raised: false);
        var after = await Eventually.Until(async () => (await host.SendAsync("generic", Ticket(-1))).StatusCode,
            s => s != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "a webhook accepted once the alarm cleared");
        Assert.That(after, Is.EqualTo(HttpStatusCode.Accepted));
    }

    /// <summary>What a classifier's queue is to ingest: ingest publishes mandatory, so an unbound ticket would come back.</summary>
    private static async Task BindTicketQueueAsync(int port)
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = port, UserName = "guest", Password = "guest" };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var exchange = BusProbe.ExchangeOf(typeof(TicketReceived));
        await BusProbe.DeclareExchangeAsync(channel, exchange);
        await channel.QueueDeclareAsync("alarm-test-tickets", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("alarm-test-tickets", exchange, "");
    }
}
