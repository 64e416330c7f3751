using System.Net;
using Agents.Harness;
using Agents.ServiceDefaults.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// Ingest publishes under its own deadline (<c>Ingest:PublishTimeout</c>), shorter than the channel's own timeout, so
/// a stalled channel shows to it as its deadline running out; it reports that as a timeout and stops like the other
/// services (<see cref="PublishingStall"/>). A broker that is away is an outage, not a stall: ingest answers 503 and
/// runs on.
/// </summary>
[TestFixture]
public sealed class IngestPublishingStallTests
{
    private static Dictionary<string, string?> Settings(int port) => new()
    {
        ["RabbitMq:Port"] = port.ToString(),
        ["Ingest:PublishTimeout"] = "00:00:01",
        // Above the publish deadline, as the shipped 20 s is above the shipped 5 s: an operation the broker never
        // answers holds the publish this long whatever its caller's token says (RabbitMQ.Client waits it out).
        ["RabbitMq:ContinuationTimeout"] = "00:00:03",
        ["RabbitMq:StopWhenPublishingStalledFor"] = "00:00:06",
    };

    private static string Ticket(int n) =>
        $$$"""{"type":"ticket.created","ticket":{"id":"STALL-{{{n}}}-{{{Guid.NewGuid():N}}}","subject":"stall {{{n}}}"}}""";

    [Test]
    public async Task Ingest_whose_publishes_are_never_confirmed_stops_itself()
    {
        var servers = await TestServers.GetAsync();
        await using var proxy = AmqpProxy.Start(servers.RabbitHost, servers.RabbitPort);
        await using var host = await IngestHost.StartAsync(Settings(proxy.Port));
        var stopping = host.Service.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        // The bus's channel has not published yet: its first publish declares the exchange, which is never answered.
        proxy.DropExchangeAnswers = true;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answers = new List<HttpStatusCode>();
        for (var n = 0; !stopping.IsCancellationRequested && clock.Elapsed < TimeSpan.FromSeconds(60); n++)
        {
            try
            {
                answers.Add((await host.SendAsync("generic", Ticket(n))).StatusCode);
            }
            catch (HttpRequestException)
            {
                break; // the host is going away
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(stopping.IsCancellationRequested, Is.True,
                $"ingest stopped itself ({answers.Count} webhooks answered in {clock.Elapsed.TotalSeconds:0} s, {proxy.Dropped} broker answers dropped)");
            Assert.That(host.Service.Services.GetRequiredService<SupervisorExit>().ExitCode, Is.EqualTo(SupervisorExit.TryAgain));
            Assert.That(host.Service.Services.GetRequiredService<SupervisorExit>().Reason, Does.StartWith("publishing to the broker has stalled"));
            Assert.That(answers.Distinct(), Is.EqualTo(new[] { HttpStatusCode.ServiceUnavailable }), "nothing accepted that was not confirmed");
            Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(6)), "not before the limit");
        });
    }

    [Test]
    public async Task Ingest_with_the_broker_away_for_longer_than_the_limit_answers_503_and_runs_on()
    {
        var servers = await TestServers.GetAsync();
        await using var proxy = AmqpProxy.Start(servers.RabbitHost, servers.RabbitPort);
        await using var host = await IngestHost.StartAsync(Settings(proxy.Port));
        var stopping = host.Service.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        proxy.Cut();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answers = new List<HttpStatusCode>();
        for (var n = 0; clock.Elapsed < TimeSpan.FromSeconds(15); n++)
            answers.Add((await host.SendAsync("generic", Ticket(n))).StatusCode);
        Assert.Multiple(() =>
        {
            Assert.That(answers.Distinct(), Is.EqualTo(new[] { HttpStatusCode.ServiceUnavailable }));
            Assert.That(answers, Has.Count.GreaterThanOrEqualTo(PublishingStall.MinFailures));
            Assert.That(stopping.IsCancellationRequested, Is.False, "an outage is not a stall");
        });

        proxy.Resume();
        await host.Service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        var after = await Agents.Testing.Eventually.Until(async () => (await host.SendAsync("generic", Ticket(-1))).StatusCode,
            s => s != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "a webhook accepted once the broker is back");
        Assert.That(after, Is.EqualTo(HttpStatusCode.Accepted));
    }
}
