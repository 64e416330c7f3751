using System.Collections.Concurrent;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// Deliveries this instance is publishing right now. A vendor that retries before the first copy was confirmed
/// (or sends the same event twice at once) waits for the first copy instead of racing it: one publish per
/// instance. Copies racing on different instances may both publish; they carry the same message id and
/// idempotency key, and downstream suppresses the second.
/// </summary>
public sealed class InFlightDeliveries
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _publishing = new(StringComparer.Ordinal);

    /// <summary>
    /// Either claims <paramref name="key"/> (returns a claim to complete with the outcome), or waits for the copy
    /// already in flight and returns null when it was accepted. A failed first copy lets the next claim it.
    /// </summary>
    public async Task<TaskCompletionSource<bool>?> ClaimOrWaitAsync(string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            var claim = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var current = _publishing.GetOrAdd(key, claim);
            if (ReferenceEquals(current, claim))
                return claim;
            if (await current.Task.WaitAsync(cancellationToken))
                return null;
        }
    }

    public void Release(string key, TaskCompletionSource<bool> claim, bool accepted)
    {
        _publishing.TryRemove(new KeyValuePair<string, TaskCompletionSource<bool>>(key, claim));
        claim.TrySetResult(accepted);
    }
}
