using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Agents.Crm.Reading;

/// <summary>
/// One rate limit per CRM for every read of this process (a sliding window at the vendor's published limit), and
/// the vendor's own word on top: after a 429 with Retry-After, no read goes to that CRM until the time has passed.
/// Reads wait for their turn rather than fail: hydration is not urgent to the second, a 429 is worse.
/// </summary>
public sealed class CrmReadGate(IOptions<CrmReadingOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.OrdinalIgnoreCase);

    public async Task WaitAsync(string crm, CancellationToken cancellationToken)
    {
        var lane = LaneOf(crm);
        TimeSpan wait;
        lock (lane)
            wait = lane.BlockedUntil - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, time, cancellationToken);
        using var lease = await lane.Limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
            throw new CrmReadException($"{crm}: too many reads waiting for the rate limit", retryable: true);
    }

    /// <summary>The CRM asked for a pause (429 Retry-After): every read of it waits until then.</summary>
    public void Pause(string crm, TimeSpan wait)
    {
        var lane = LaneOf(crm);
        var until = time.GetUtcNow() + wait;
        lock (lane)
        {
            if (until > lane.BlockedUntil)
                lane.BlockedUntil = until;
        }
    }

    private Lane LaneOf(string crm) => _lanes.GetOrAdd(crm, name =>
    {
        var limit = options.Value.LimitFor(name);
        return new Lane(new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, limit.Permits),
            Window = limit.Window > TimeSpan.Zero ? limit.Window : TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 10,
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));
    });

    private sealed class Lane(RateLimiter limiter)
    {
        public RateLimiter Limiter { get; } = limiter;
        public DateTimeOffset BlockedUntil { get; set; }
    }
}
