using MassTransit;
using MassTransit.Contracts;
using MassTransit.Middleware;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Llm;

public enum BreakerState
{
    Closed = 0,
    HalfOpen = 1,
    Open = 2,
}

/// <summary>What became of a call sent through the breaker.</summary>
public sealed record BreakerOutcome<T>(T? Result, LlmCallException? Failure, bool Rejected)
{
    public bool Succeeded => !Rejected && Failure is null;
}

/// <summary>
/// MassTransit's circuit breaker on a private pipe around the LLM call (an endpoint-level breaker would send
/// tickets to <c>_error</c>; here the caller falls back to rules instead). Every failure of the call counts, as an
/// <see cref="LlmCallException"/> (anything else the call throws is wrapped in one); only the caller's own
/// cancellation passes through uncounted. While open, MassTransit rethrows without calling the LLM; we tell that apart from a real failure by
/// whether our delegate ran.
///
/// Transitions: MassTransit publishes opened and closed on the breaker's router. It publishes nothing when its
/// timer moves the breaker to half-open, so we see half-open when the first call after an opening actually
/// reaches the LLM (the probe). While not closed, one call at a time may try the pipe: MassTransit's half-open
/// state lets every call through, and this gate keeps a burst of tickets from becoming a burst of probes.
///
/// Every LLM call passes here, so here too is the bound on calls in flight (<see cref="LlmOptions.ConcurrentCalls"/>):
/// the consumer works on more tickets than that, and a ticket waits for a call slot only for its calls.
/// </summary>
public sealed class LlmBreaker
{
    private readonly IPipe<LlmCallContext> _pipe;
    private readonly SemaphoreSlim _probeGate = new(1, 1);
    private readonly SemaphoreSlim? _callGate;
    private readonly ClassifierMetrics _metrics;
    private readonly ILogger<LlmBreaker> _logger;
    private int _state;
    private int _probeCalls;

    public LlmBreaker(IOptions<ClassifierOptions> options, ClassifierMetrics metrics, ILogger<LlmBreaker> logger)
    {
        _metrics = metrics;
        _logger = logger;
        var settings = options.Value.Breaker;
        if (options.Value.Llm.ConcurrentCalls is int calls)
            _callGate = new SemaphoreSlim(calls, calls);
        var router = new PipeRouter();
        router.ConnectPipe(Pipe.ExecuteAsync<EventContext<CircuitBreakerOpened>>(e => Opened(e.Event.Exception)));
        router.ConnectPipe(Pipe.ExecuteAsync<EventContext<CircuitBreakerClosed>>(_ => Closed()));
        _pipe = Pipe.New<LlmCallContext>(p =>
        {
            p.UseCircuitBreaker(cb =>
            {
                cb.TripThreshold = settings.TripThreshold;
                cb.ActiveThreshold = settings.ActiveThreshold;
                cb.TrackingPeriod = settings.TrackingPeriod;
                cb.ResetInterval = settings.ResetInterval;
                cb.Router = router;
                cb.Handle<LlmCallException>();
            });
            p.UseExecuteAsync(context => context.RunAsync(this));
        });
    }

    public BreakerState State => (BreakerState)Volatile.Read(ref _state);

    /// <summary>Calls that reached the LLM while the breaker was not closed (half-open probes).</summary>
    public int ProbeCalls => Volatile.Read(ref _probeCalls);

    public async Task<BreakerOutcome<T>> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var gated = false;
        if (State != BreakerState.Closed)
        {
            if (!await _probeGate.WaitAsync(0, cancellationToken))
                return new BreakerOutcome<T>(default, null, Rejected: true);
            gated = true;
        }
        var context = new LlmCallContext<T>(call, cancellationToken);
        var waited = false;
        try
        {
            // The wait for a free call slot is no part of the call: outside the pipe, so neither the call's timeout
            // nor the breaker counts it.
            if (_callGate is not null)
            {
                await _callGate.WaitAsync(cancellationToken);
                waited = true;
            }
            await _pipe.Send(context);
            return new BreakerOutcome<T>(context.Result, null, Rejected: false);
        }
        catch (LlmCallException) when (!context.Invoked)
        {
            // The open breaker rethrew the exception that tripped it: the LLM was not called.
            return new BreakerOutcome<T>(default, null, Rejected: true);
        }
        catch (LlmCallException e)
        {
            return new BreakerOutcome<T>(default, e, Rejected: false);
        }
        finally
        {
            if (waited)
                _callGate!.Release();
            if (gated)
                _probeGate.Release();
        }
    }

    /// <summary>Called by the pipe just before the LLM call.</summary>
    internal void Calling()
    {
        if (Interlocked.CompareExchange(ref _state, (int)BreakerState.HalfOpen, (int)BreakerState.Open) == (int)BreakerState.Open)
        {
            _logger.LogWarning("LLM breaker half-open: probing the LLM");
            _metrics.BreakerState((int)BreakerState.HalfOpen, "half_open");
        }
        if (State != BreakerState.Closed)
            Interlocked.Increment(ref _probeCalls);
    }

    private Task Opened(Exception exception)
    {
        Volatile.Write(ref _state, (int)BreakerState.Open);
        var reason = exception is LlmCallException e ? e.Reason : exception.GetType().Name;
        _logger.LogWarning("LLM breaker opened: {Reason}; tickets go to the rules until a probe succeeds", reason);
        _metrics.BreakerState((int)BreakerState.Open, "open");
        return Task.CompletedTask;
    }

    private Task Closed()
    {
        Volatile.Write(ref _state, (int)BreakerState.Closed);
        _logger.LogInformation("LLM breaker closed: LLM classification resumes");
        _metrics.BreakerState((int)BreakerState.Closed, "closed");
        return Task.CompletedTask;
    }
}

/// <summary>The pipe's context: one LLM call.</summary>
public abstract class LlmCallContext(CancellationToken cancellationToken) : BasePipeContext(cancellationToken), PipeContext
{
    public bool Invoked { get; protected set; }

    internal abstract Task RunAsync(LlmBreaker breaker);
}

public sealed class LlmCallContext<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    : LlmCallContext(cancellationToken)
{
    public T? Result { get; private set; }

    internal override async Task RunAsync(LlmBreaker breaker)
    {
        Invoked = true;
        breaker.Calling();
        try
        {
            Result = await call(CancellationToken);
        }
        catch (Exception e) when (e is not LlmCallException && !(e is OperationCanceledException && CancellationToken.IsCancellationRequested))
        {
            // Whatever the call throws is a failure of the call, for the breaker and for the fallback alike: an
            // exception that slipped past them would fail the message instead (retried, then _error).
            throw new LlmCallException("failed", $"the call threw {e.GetType().Name}", e);
        }
    }
}
