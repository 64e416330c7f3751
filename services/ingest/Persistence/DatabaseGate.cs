using Microsoft.Extensions.Options;

namespace Agents.Ingest.Persistence;

/// <summary>
/// Webhook answers must not wait on a database that is down: every call gets a short deadline, and after a failure
/// the database is skipped for a few seconds instead of making each request wait out the deadline again.
/// </summary>
public sealed class DatabaseGate(IOptions<IngestOptions> options, ILogger<DatabaseGate> logger)
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(5);
    private long _skipUntilTicks;

    /// <summary>Runs the call; on failure logs, pauses the database and returns <paramref name="fallback"/>.</summary>
    public async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> call, T fallback, CancellationToken cancellationToken)
    {
        var result = fallback;
        await RunAsync(what, async ct => result = await call(ct), cancellationToken);
        return result;
    }

    /// <summary>Runs a call without a result (a write nobody waits on); on failure logs and pauses the database.</summary>
    public async Task RunAsync(string what, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        if (DateTime.UtcNow.Ticks < Interlocked.Read(ref _skipUntilTicks))
            return;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.DatabaseTimeout);
        try
        {
            await call(deadline.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _skipUntilTicks, (DateTime.UtcNow + Pause).Ticks);
            logger.LogError(e, "Database unavailable while {What}; going on without it for {Seconds}s", what, Pause.TotalSeconds);
        }
    }
}
