using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Persistence;

/// <summary>
/// A timer of our own (the broker has no delayed-message plugin, so no saga Schedule): every
/// <see cref="WriterOptions.SweepInterval"/> one writer instance, the one that gets this sweeper's PostgreSQL
/// advisory lock, looks for writes due and publishes a message per write; the saga decides under its row lock. Two
/// instances sweeping anyway (a lock lost with its connection) only publish messages the saga ignores the second time.
/// </summary>
public abstract class LockedSweeper(
    IDbContextFactory<WriterDbContext> dbFactory, IOptions<WriterOptions> options, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>At most this many writes per sweep: what is left over goes out on the next tick.</summary>
    protected const int BatchSize = 2000;

    // What this instance published for writes still due at the last sweep, by write and the state it was due in, and
    // when. Sweeps on one instance run one at a time but a test (or a caller) may sweep beside the timer: a lock.
    private readonly Dictionary<(Guid Write, string DueAs), DateTimeOffset> _published = [];
    private readonly Lock _publishedGate = new();

    /// <summary>This sweeper's advisory lock (transaction-scoped).</summary>
    protected abstract long LockKey { get; }

    /// <summary>What a sweep found, for its log line ("writes past their time").</summary>
    protected abstract string Found { get; }

    /// <summary>
    /// Whether the message for <paramref name="write"/>, due as <paramref name="dueAs"/> (what the saga changes once it
    /// handled the message: the attempt and its request time, the expiry time), is to be published: once for each such
    /// state, and again only <see cref="WriterOptions.RepublishAfter"/> after it was published if the
    /// write is still due as it was. The saga handles the copy it has when it gets to it; while it is behind (a backlog,
    /// an outage, its endpoint stalled), a copy per sweep would only lengthen its queue: a fault run with a 2 s sweep put
    /// 17,000 copies of 154 re-drives in it.
    /// </summary>
    private bool Due(Guid write, string dueAs, DateTimeOffset now)
    {
        lock (_publishedGate)
            return !_published.TryGetValue((write, dueAs), out var at) || now - at >= options.Value.RepublishAfter;
    }

    /// <summary>
    /// Publishes the message of each write that is <see cref="Due"/>, and records each once the broker confirmed it (a
    /// publish that failed leaves its write due at the next sweep); returns how many went out. A publish not confirmed
    /// within <see cref="WriterOptions.SweepPublishTimeout"/> ends the sweep with a <see cref="TimeoutException"/>.
    /// </summary>
    protected async Task<int> PublishDueAsync<T>(IBus bus, IEnumerable<(Guid Write, string DueAs, T Message)> writes, DateTimeOffset now,
        CancellationToken cancellationToken) where T : class
    {
        var published = 0;
        foreach (var (write, dueAs, message) in writes)
        {
            if (!Due(write, dueAs, now))
                continue;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(options.Value.SweepPublishTimeout);
                try
                {
                    await bus.Publish(message, deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // A broker that blocks publishers never confirms: end the sweep (its transaction and lock with it)
                    // rather than hold them for the alarm's length; this write and the rest stay due for the next.
                    throw new TimeoutException($"The broker did not confirm the {typeof(T).Name} of write {write} within "
                        + $"{options.Value.SweepPublishTimeout}; the sweep ends here and the write stays due for the next one");
                }
            }
            lock (_publishedGate)
                _published[(write, dueAs)] = now;
            published++;
        }
        return published;
    }

    /// <summary>Forgets what was published longer ago than <see cref="WriterOptions.RepublishAfter"/>: the memory holds at most what is due now.</summary>
    private void Forget(DateTimeOffset now)
    {
        lock (_publishedGate)
            foreach (var key in _published.Where(p => now - p.Value >= options.Value.RepublishAfter).Select(p => p.Key).ToList())
                _published.Remove(key);
    }

    /// <summary>Publishes a message per write due (<see cref="PublishDueAsync"/>); returns how many.</summary>
    protected abstract Task<int> SweepAsync(WriterDbContext db, DateTimeOffset now, CancellationToken cancellationToken);

    protected WriterOptions Options => options.Value;

    /// <summary>A lock key every instance derives alike (string.GetHashCode is randomized per process).</summary>
    protected static long KeyFor(string name) =>
        BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)), 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var published = await SweepOnceAsync(stoppingToken);
                if (published > 0)
                    logger.LogInformation("{Sweeper}: {Count} {Found}", GetType().Name, published, Found);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "{Sweeper} failed; next try in {Interval}", GetType().Name, options.Value.SweepInterval);
            }
        }
    }

    /// <summary>One sweep; returns how many messages were published (0 when another instance holds the lock).</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A transaction-scoped lock: released by the commit or rollback however the sweep ends, so a pooled
        // connection (not reset on return) can never keep it.
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({LockKey}) AS \"Value\"").SingleAsync(cancellationToken);
        if (!locked)
            return 0;
        var now = clock.GetUtcNow();
        Forget(now);
        var published = await SweepAsync(db, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return published;
    }
}
