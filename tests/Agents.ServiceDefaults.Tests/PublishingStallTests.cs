using Agents.Harness;
using Agents.ServiceDefaults.Publishing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.ServiceDefaults.Tests;

/// <summary>A message type of its own: its exchange is declared at its first publish, through the proxy.</summary>
public sealed record StallProbe(int N);

/// <summary>
/// An instance whose sends keep timing out while it is connected stops for its supervisor to start it afresh
/// (<see cref="PublishingStall"/>): seen on a slow CI machine, one classifier's publishes each cancelled after 20 s for
/// minutes while it kept consuming.
/// </summary>
[TestFixture]
public sealed class PublishingStallTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 23, 20, 0, TimeSpan.Zero);
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private static readonly OperationCanceledException Timeout = new("The operation was canceled.");

    private static PublishingStall FailingEvery20sFor(TimeSpan span)
    {
        var stall = new PublishingStall(Limit);
        for (var at = TimeSpan.Zero; at <= span; at += TimeSpan.FromSeconds(20))
            stall.Failed(T0 + at, Timeout, cancelledByCaller: false);
        return stall;
    }

    [Test]
    public void Timeouts_for_the_whole_limit_with_none_through_are_a_stall()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FailingEvery20sFor(TimeSpan.FromSeconds(100)).Check(), Is.Null, "100 s of the 120");
            Assert.That(FailingEvery20sFor(Limit).Check(), Does.Contain("7 sends to the broker timed out between 23:20:00 and 23:22:00"));
        });
        var wrapped = new PublishingStall(Limit);
        foreach (var at in new[] { 0, 60, 120 })
            wrapped.Failed(T0.AddSeconds(at), new InvalidOperationException("send failed", new TimeoutException("no answer")), cancelledByCaller: false);
        Assert.That(wrapped.Check(), Is.Not.Null, "a timeout inside another exception counts");
    }

    [Test]
    public void Two_timeouts_are_not_a_stall_however_far_apart()
    {
        var stall = new PublishingStall(Limit);
        stall.Failed(T0, Timeout, cancelledByCaller: false);
        stall.Failed(T0.AddMinutes(10), Timeout, cancelledByCaller: false);
        Assert.That(stall.Check(), Is.Null);
    }

    [Test]
    public void A_success_a_broker_that_answers_or_a_lost_connection_starts_the_count_again()
    {
        foreach (var (what, interrupt) in new (string, Action<PublishingStall>)[]
                 {
                     ("a send got through", s => s.Succeeded()),
                     ("the broker returned a message: it answers", s => s.Failed(T0.AddSeconds(61), new MessageReturnedException("NO_ROUTE"), false)),
                     ("the bus lost its connection: MassTransit reconnects", s => s.Disconnected()),
                 })
        {
            var stall = FailingEvery20sFor(TimeSpan.FromSeconds(60));
            interrupt(stall);
            for (var at = 80; at <= 180; at += 20)
                stall.Failed(T0.AddSeconds(at), Timeout, cancelledByCaller: false);
            Assert.That(stall.Check(), Is.Null, what + ": 100 s of timeouts since, not 120");
        }
    }

    [Test]
    public void Sends_cancelled_by_their_caller_say_nothing_about_the_channel()
    {
        var stall = new PublishingStall(Limit);
        for (var at = 0; at <= 300; at += 5)
            stall.Failed(T0.AddSeconds(at), Timeout, cancelledByCaller: true);
        Assert.That(stall.Check(), Is.Null, "webhook requests aborted, consumers stopping");
    }

    /// <summary>The bus every service has, connected through <paramref name="proxy"/>: 2 s for an operation, stopping after 6 s.</summary>
    private static Task<BusHost> ThroughAsync(IsolatedBroker broker, AmqpProxy proxy) =>
        BusHost.StartAsync(broker, new ProbeRecord(), new Dictionary<string, string?>
        {
            ["RabbitMq:Host"] = "127.0.0.1",
            ["RabbitMq:Port"] = proxy.Port.ToString(),
            ["RabbitMq:ContinuationTimeout"] = "00:00:02",
            ["RabbitMq:StopWhenPublishingStalledFor"] = "00:00:06",
        });

    /// <summary>
    /// The real bus through a proxy that drops the broker's answers to exchange declarations: every publish of a new
    /// message type times out (2 s here) while the bus stays connected and its endpoint consumes. The host stops
    /// itself once that lasted the limit (6 s here), with the exit code for its supervisor.
    /// </summary>
    [Test]
    public async Task A_bus_whose_publishes_keep_timing_out_stops_its_host()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        await using var proxy = AmqpProxy.Start(broker.Servers.RabbitHost, broker.Servers.RabbitPort);
        await using var host = await ThroughAsync(broker, proxy);
        var exit = host.Services.GetRequiredService<SupervisorExit>();

        proxy.DropExchangeAnswers = true;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var failures = 0;
        for (var n = 0; !host.Stopping.IsCancellationRequested && clock.Elapsed < TimeSpan.FromSeconds(60); n++)
        {
            try
            {
                await host.Bus.Publish(new StallProbe(n));
            }
            catch (OperationCanceledException)
            {
                failures++;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(host.Stopping.IsCancellationRequested, Is.True,
                $"the host stopped itself ({failures} publishes timed out in {clock.Elapsed.TotalSeconds:0} s, {proxy.Dropped} answers dropped)");
            Assert.That(exit.ExitCode, Is.EqualTo(SupervisorExit.TryAgain));
            Assert.That(exit.Reason, Does.StartWith("publishing to the broker has stalled"));
            Assert.That(failures, Is.GreaterThanOrEqualTo(PublishingStall.MinFailures), "publishes timed out, not some other failure");
            Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(6)), "not before the limit");
        });
    }

    /// <summary>The same bus with the broker answering: publishes go through and the host runs on.</summary>
    [Test]
    public async Task A_bus_whose_publishes_go_through_runs_on()
    {
        await using var broker = await IsolatedBroker.CreateAsync();
        await using var proxy = AmqpProxy.Start(broker.Servers.RabbitHost, broker.Servers.RabbitPort);
        await using var host = await ThroughAsync(broker, proxy);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var n = 0; clock.Elapsed < TimeSpan.FromSeconds(10); n++)
            await host.Bus.Publish(new StallProbe(n));
        Assert.Multiple(() =>
        {
            Assert.That(host.Stopping.IsCancellationRequested, Is.False);
            Assert.That(host.Services.GetRequiredService<SupervisorExit>().ExitCode, Is.Zero);
        });
    }
}
