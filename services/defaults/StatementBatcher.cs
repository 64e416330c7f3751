using System.Threading.Channels;

namespace Agents.ServiceDefaults;

/// <summary>
/// Runs one statement for many concurrent callers: requests that arrive while a round trip is under way wait for
/// the next one and share it (group commit, no timer). An idle moment costs one request nothing; a burst of webhooks
/// or tickets costs PostgreSQL one statement per batch instead of one per request, which is what bounded ingest's
/// rate (ingest's duplicate lookup and record, the classifier's step log and requester history).
/// The batch runs on the caller-independent loop, so a caller that gives up does not cancel the others' work.
/// </summary>
public sealed class StatementBatcher<TRequest, TResult> : IAsyncDisposable
{
    public const int MaxBatch = 256;

    private readonly Channel<(TRequest Request, TaskCompletionSource<TResult>? Done)> _queue =
        Channel.CreateUnbounded<(TRequest, TaskCompletionSource<TResult>?)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> _run;
    private readonly TimeSpan _linger;
    private readonly Task _loop;

    /// <param name="run">Runs one batch; returns one result per request, in order. Its exceptions reach every caller of the batch.</param>
    /// <param name="linger">
    /// How long a batch waits for company before it runs. Zero for statements a request waits on (waiting costs the
    /// request latency, and under load the round trip itself gathers the next batch); more for writes nobody awaits.
    /// </param>
    public StatementBatcher(Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> run, TimeSpan linger = default)
    {
        _run = run;
        _linger = linger;
        _loop = Task.Run(LoopAsync);
    }

    public Task<TResult> RunAsync(TRequest request, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((request, done)))
            throw new ObjectDisposedException(nameof(StatementBatcher<TRequest, TResult>));
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Queues a request nobody waits for; it runs with the next batch (and before disposal completes).</summary>
    public void Post(TRequest request)
    {
        if (!_queue.Writer.TryWrite((request, null)))
            throw new ObjectDisposedException(nameof(StatementBatcher<TRequest, TResult>));
    }

    private async Task LoopAsync()
    {
        var batch = new List<(TRequest Request, TaskCompletionSource<TResult>? Done)>(MaxBatch);
        var requests = new List<TRequest>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            requests.Clear();
            var lingered = false;
            while (batch.Count < MaxBatch)
            {
                if (_queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                    requests.Add(item.Request);
                }
                else if (!lingered && _linger > TimeSpan.Zero)
                {
                    lingered = true;
                    await Task.Delay(_linger);
                }
                else break;
            }
            try
            {
                var results = await _run(requests);
                for (var i = 0; i < batch.Count; i++)
                    batch[i].Done?.TrySetResult(results[i]);
            }
            catch (Exception e)
            {
                foreach (var (_, done) in batch)
                    done?.TrySetException(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}

/// <summary>Batchers for statements that only write.</summary>
public static class StatementBatcher
{
    /// <summary>
    /// A batcher for a statement that only writes: a caller learns that its batch ran, or the batch's error, and no
    /// writer has to make up one result per request.
    /// </summary>
    public static StatementBatcher<TRequest, ValueTuple> ForWrites<TRequest>(Func<IReadOnlyList<TRequest>, Task> write, TimeSpan linger = default) =>
        new(async requests =>
        {
            await write(requests);
            return new ValueTuple[requests.Count];
        }, linger);
}
