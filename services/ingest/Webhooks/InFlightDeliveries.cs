using System.Collections.Concurrent;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// Deliveries this instance is publishing right now, or accepted in the last minute. A vendor that retries before
/// the first copy was confirmed (or sends the same event twice at once) waits for the first copy instead of racing
/// it, and a copy that looked in the delivery table just before the first was recorded still finds it here: one
/// publish per instance. Copies racing on different instances may both publish; they carry the same message id
/// and delivery key, and the classifier handles the delivery once.
/// </summary>
public sealed class InFlightDeliveries(TimeProvider clock)
{
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _publishing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _accepted = new(StringComparer.Ordinal);

    // Accepted keys in the order they expire (every entry lives the same time), so forgetting is a walk from the
    // head that stops at the first live entry: constant work per acceptance, whatever the rate.
    private readonly Queue<(string Key, long Until)> _expiries = new();
    private readonly Lock _expiriesLock = new();

    /// <summary>
    /// Either claims <paramref name="key"/> (returns a claim to release with the outcome), or returns null when a
    /// copy was accepted already or is accepted while waiting for it. A failed first copy lets the next claim it.
    /// </summary>
    public async Task<TaskCompletionSource<bool>?> ClaimOrWaitAsync(string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (RecentlyAccepted(key))
                return null;
            var claim = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var current = _publishing.GetOrAdd(key, claim);
            if (ReferenceEquals(current, claim))
            {
                // The first copy may have been accepted and released between the check above and the claim.
                if (!RecentlyAccepted(key))
                    return claim;
                Release(key, claim, accepted: true);
                return null;
            }
            if (await current.Task.WaitAsync(cancellationToken))
                return null;
        }
    }

    public void Release(string key, TaskCompletionSource<bool> claim, bool accepted)
    {
        if (accepted)
        {
            lock (_expiriesLock)
            {
                var now = clock.GetUtcNow().UtcTicks;
                Forget(now);
                var until = now + Remember.Ticks;
                _accepted[key] = until;
                _expiries.Enqueue((key, until));
            }
        }
        _publishing.TryRemove(new KeyValuePair<string, TaskCompletionSource<bool>>(key, claim));
        claim.TrySetResult(accepted);
    }

    private bool RecentlyAccepted(string key) => _accepted.TryGetValue(key, out var until) && until > clock.GetUtcNow().UtcTicks;

    private void Forget(long now)
    {
        while (_expiries.TryPeek(out var head) && head.Until <= now)
        {
            _expiries.Dequeue();
            // A key accepted again since has a later expiry of its own: only its own entry removes it.
            _accepted.TryRemove(new KeyValuePair<string, long>(head.Key, head.Until));
        }
    }
}
