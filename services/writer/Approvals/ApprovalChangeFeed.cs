using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.Approvals;

/// <summary>
/// One loop per writer instance checks the <see cref="QueueVersion"/> of the approval queue and the escalation inbox
/// every few seconds, and only while a page is subscribed; every subscriber shares that one query, so a hundred open pages cost the database what one does.
/// </summary>
public sealed class ApprovalChangeFeed(
    IDbContextFactory<WriterDbContext> dbFactory, ApprovalPageOptions options, ILogger<ApprovalChangeFeed> logger,
    CancellationToken stopping)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<QueueVersion> _next = NewSignal();
    private QueueVersion? _current;
    private int _subscribers;
    private Task? _loop;

    /// <summary>
    /// The current version, then every change, until <paramref name="requestAborted"/> fires or the writer stops
    /// (an open stream must not hold up the shutdown; the page reconnects to another instance).
    /// </summary>
    public async IAsyncEnumerable<QueueVersion?> SubscribeAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken requestAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, stopping);
        var cancellationToken = linked.Token;
        Task<QueueVersion> next;
        lock (_gate)
        {
            _subscribers++;
            _loop ??= Task.Run(LoopAsync, CancellationToken.None);
            next = _next.Task;
        }
        try
        {
            var current = _current ?? await ReadAsync(cancellationToken);
            yield return current;
            while (!cancellationToken.IsCancellationRequested)
            {
                // A null item is a heartbeat: the stream is alive, nothing changed. WhenAny does not throw when the
                // delay is cancelled: the loop condition ends the stream.
                var changed = await Task.WhenAny(next, Task.Delay(options.HeartbeatInterval, cancellationToken));
                if (cancellationToken.IsCancellationRequested)
                    yield break;
                if (changed != next)
                {
                    yield return null;
                    continue;
                }
                var version = await next;
                lock (_gate)
                    next = _next.Task;
                yield return version;
            }
        }
        finally
        {
            lock (_gate)
                _subscribers--;
        }
    }

    /// <summary>The version now, read from the database (for clients that poll instead of streaming).</summary>
    public async Task<QueueVersion> ReadAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lastAudit = await db.Audit.MaxAsync(a => (long?)a.Id, cancellationToken) ?? 0;
        // Served by the (CurrentState, ProposedAt) index.
        var waiting = await db.Writes
            .Where(w => WriteStates.WaitingForAPerson.Contains(w.CurrentState))
            .GroupBy(w => w.CurrentState)
            .Select(g => new { State = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        // Served by the index on Change and the partial index of the escalations not closed.
        var lastEscalationChange = await db.Escalations.MaxAsync(e => (long?)e.Change, cancellationToken) ?? 0;
        var openEscalations = await db.Escalations.CountAsync(e => e.ClosedAt == null, cancellationToken);
        return new QueueVersion(lastAudit,
            waiting.SingleOrDefault(w => w.State == WriteStates.AwaitingApproval)?.Count ?? 0,
            waiting.SingleOrDefault(w => w.State == WriteStates.HeldForBulkReview)?.Count ?? 0,
            lastEscalationChange, openEscalations);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(options.ChangeCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                if (Volatile.Read(ref _subscribers) == 0)
                    continue;
                try
                {
                    var version = await ReadAsync(stopping);
                    if (version == _current)
                        continue;
                    TaskCompletionSource<QueueVersion> signal;
                    lock (_gate)
                    {
                        _current = version;
                        signal = _next;
                        _next = NewSignal();
                    }
                    signal.TrySetResult(version);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next tick tries again; pages keep their last view meanwhile.
                    logger.LogWarning(e, "Could not read the approval queue version");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the writer is stopping
        }
    }

    private static TaskCompletionSource<QueueVersion> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
