using Agents.ServiceDefaults.Publishing;
using Agents.Testing;
using MassTransit.Context;

namespace Agents.ServiceDefaults.Tests;

/// <summary>
/// What <see cref="UnconfirmedSends"/> counts: a send from the moment the transport takes it until the broker confirms
/// it or it fails. Only one still waiting past the limit is a reason to stop (the end to end of it, a broker restart
/// under load, is <c>BrokerRestartUnderLoadTests</c> in the writer's tests).
/// </summary>
[TestFixture]
public sealed class UnconfirmedSendsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    private static MessageSendContext<StallProbe> Send(int n) =>
        new(new StallProbe(n)) { DestinationAddress = new Uri("rabbitmq://localhost/apply-write") };

    [Test]
    public async Task A_send_waiting_past_the_limit_is_named_and_one_confirmed_or_failed_is_forgotten()
    {
        var clock = new ManualClock();
        var sends = new UnconfirmedSends(Limit, clock);
        var since = clock.Now;
        var (waiting, confirmed, failed) = (Send(1), Send(2), Send(3));
        await sends.PreSend(waiting);
        await sends.PreSend(confirmed);
        await sends.PreSend(failed);

        clock.Advance(Limit - TimeSpan.FromSeconds(1));
        Assert.That(sends.Check(), Is.Null, "within the limit");

        await sends.PostSend(confirmed);
        await sends.SendFault(failed, new TimeoutException());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(sends.Check(), Is.EqualTo($"1 send(s) to the broker unconfirmed for longer than {Limit}, the oldest to "
            + $"rabbitmq://localhost/apply-write since {since:HH:mm:ss} UTC"));

        await sends.PostSend(waiting);
        Assert.That(sends.Check(), Is.Null, "confirmed at last");
    }

    [Test]
    public async Task A_zero_limit_counts_nothing()
    {
        var clock = new ManualClock();
        var sends = new UnconfirmedSends(TimeSpan.Zero, clock);
        await sends.PreSend(Send(1));
        clock.Advance(TimeSpan.FromDays(1));
        Assert.That(sends.Check(), Is.Null);
    }
}
