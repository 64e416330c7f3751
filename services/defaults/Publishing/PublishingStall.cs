namespace Agents.ServiceDefaults.Publishing;

/// <summary>
/// Whether this instance's sends to the broker have stalled: they keep failing on a timeout of their own (not
/// cancelled by their caller) while nothing gets through and the bus is connected. The case seen in CI on a slow
/// machine: one classifier's publishes each cancelled after exactly 20 s (RabbitMQ.Client's continuation timeout on
/// the channel MassTransit publishes on) for minutes, while it kept consuming, so every ticket it took waited out
/// minutes of retries instead of going to the other instance. RabbitMQ.Client 7.2.2 (the newest served) can leave a
/// channel answering no further RPC after a timed-out one under load (rabbitmq-dotnet-client#1964, fixed after
/// 7.2.2), and MassTransit replaces a channel only when it is closed, never on a timeout. Nothing short of a new
/// connection mends it: the instance stops (<see cref="PublishingStallGuard"/>) and its supervisor starts it afresh;
/// the messages it held go back to their queues.
/// </summary>
/// <remarks>
/// A failure of another kind (the broker unreachable, a message returned) proves the channel answers or is being
/// replaced, and starts the count again; so does a disconnected bus or a broker whose port does not answer (an
/// outage, which MassTransit recovers from by itself), and any success. A send cancelled by its caller (a request
/// aborted, a consumer stopping) says nothing about the channel, except when the caller's own deadline for a confirm
/// ran out, which the caller reports as a timeout (ingest's publish limit, shorter than the channel's own timeout).
/// </remarks>
public sealed class PublishingStall(TimeSpan limit)
{
    /// <summary>Failures needed besides the time: one slow send is not a stall.</summary>
    public const int MinFailures = 3;

    private readonly Lock _gate = new();
    private DateTimeOffset? _since;
    private DateTimeOffset _last;
    private int _failures;
    private string _lastError = "";

    public TimeSpan Limit => limit;

    public void Succeeded()
    {
        lock (_gate)
            Clear();
    }

    /// <summary>The bus lost its connection: MassTransit's own recovery is under way; not a stall.</summary>
    public void Disconnected() => Succeeded();

    public void Failed(DateTimeOffset at, Exception exception, bool cancelledByCaller)
    {
        if (cancelledByCaller)
            return;
        lock (_gate)
        {
            if (!TimedOut(exception))
            {
                Clear();
                return;
            }
            _since ??= at;
            _last = at;
            _failures++;
            _lastError = $"{exception.GetType().Name}: {exception.Message}";
        }
    }

    /// <summary>Why the sends count as stalled, or null: failing on timeouts, nothing through, for at least the limit.</summary>
    public string? Check()
    {
        lock (_gate)
        {
            if (_since is not { } since || _failures < MinFailures || _last - since < limit)
                return null;
            return $"{_failures} sends to the broker timed out between {since:HH:mm:ss} and {_last:HH:mm:ss} UTC and none got through "
                + $"while the bus was connected (last: {_lastError})";
        }
    }

    private void Clear()
    {
        _since = null;
        _failures = 0;
    }

    private static bool TimedOut(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is OperationCanceledException or TimeoutException)
                return true;
        return false;
    }
}
