namespace Agents.Faults.Tests;

[TestFixture]
public sealed class FirstErrorsTests
{
    private static readonly DateTimeOffset Since = new(2026, 12, 5, 23, 16, 0, TimeSpan.Zero);

    // Two cancellations at the same place with different ids, one at another place, and lines that are not errors.
    private static readonly string[] Compact =
    [
        "2026-12-05T23:15:59.000Z fail ReceiveTransport: S-FAULT before the scenario System.TimeoutException: old | at Old.Place()",
        "2026-12-05T23:20:39.463Z fail ReceiveTransport: S-FAULT rabbitmq://h/Agents.Contracts:TicketClassified ExternalId=p-580 System.OperationCanceledException: The operation was canceled. |    at System.Threading.CancellationToken.ThrowIfCancellationRequested() |    at MassTransit.RabbitMqTransport.RabbitMqSendTransportContext.Send[T](ChannelContext transportContext) in x.cs:line 105",
        "2026-12-05T23:20:40.000Z warn ReceiveTransport: R-RETRY not an error System.OperationCanceledException: x | at A.B()",
        "2026-12-05T23:20:59.564Z fail ReceiveTransport: S-FAULT rabbitmq://h/Agents.Contracts:TicketEscalated ExternalId=p-581 System.OperationCanceledException: The operation was canceled. |    at System.Threading.CancellationToken.ThrowIfCancellationRequested() |    at MassTransit.RabbitMqTransport.RabbitMqSendTransportContext.Send[T](ChannelContext transportContext) in x.cs:line 105",
        "2026-12-05T23:21:00.000Z fail ReceiveTransport: S-FAULT rabbitmq://h/Agents.Contracts:ProposeWrite System.OperationCanceledException: The operation was canceled. |    at System.Threading.SemaphoreSlim.WaitUntilCountOrTimeoutAsync() |    at RabbitMQ.Client.Impl.Channel.ExchangeDeclareAsync()",
        "not a log line at all",
    ];

    [Test]
    public void Counts_each_kind_once_from_the_scenario_start_with_its_whole_stack()
    {
        var kinds = FirstErrors.Of(Compact, Since);
        Assert.Multiple(() =>
        {
            Assert.That(kinds.Select(k => k.Count), Is.EqualTo(new[] { 2, 1 }), "two kinds: the send's cancellation twice, the declare's once");
            Assert.That(kinds[0].At, Is.EqualTo(new DateTimeOffset(2026, 12, 5, 23, 20, 39, 463, TimeSpan.Zero)));
            Assert.That(kinds[0].Entry, Does.Contain("p-580").And.Contain("RabbitMqSendTransportContext.Send[T]").And.Contain("line 105"),
                "the first entry of a kind, stack included");
            Assert.That(kinds[1].Entry, Does.Contain("Channel.ExchangeDeclareAsync"));
        });
    }

    [Test]
    public void Reads_json_entries_and_keeps_at_most_three_kinds()
    {
        string Json(string level, string exception) =>
            $$"""{"Timestamp":"2026-12-05T23:20:00.000Z","LogLevel":"{{level}}","Category":"Agents.X","Message":"m","Exception":"{{exception}}"}""";
        string[] lines =
        [
            Json("Information", "System.Exception: not an error\\n   at A.Info()"),
            Json("Error", "System.InvalidOperationException: one\\n   at A.One()"),
            Json("Critical", "System.IO.IOException: two\\n   at A.Two()"),
            Json("Error", "System.InvalidOperationException: one again\\n   at A.One()"),
            Json("Error", "System.TimeoutException: three\\n   at A.Three()"),
            Json("Error", "System.ArgumentException: four\\n   at A.Four()"),
        ];
        var kinds = FirstErrors.Of(lines, Since);
        Assert.Multiple(() =>
        {
            Assert.That(kinds, Has.Count.EqualTo(FirstErrors.PerInstance));
            Assert.That(kinds[0].Count, Is.EqualTo(2));
            Assert.That(kinds[1].Entry, Does.StartWith("Critical Agents.X: m").And.Contain("at A.Two()"));
            Assert.That(kinds.Select(k => k.Entry), Has.None.Contain("four"), "a fourth kind is left out");
        });
    }
}
