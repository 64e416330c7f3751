namespace Agents.Faults.Tests;

/// <summary>
/// Decides from successive readings of the broker's queues whether the system has come to rest: every queue empty
/// (but the dead-letter queues and the test's own probe queue) and no message published or delivered anywhere for
/// <see cref="Window"/>. The books look complete the moment the last expected row lands, but a redelivered or
/// duplicate message still on its way could add a second outcome after that: the checks are only conclusive at rest.
/// The window is longer than the management API's 5 s refresh, so a reading that lags still covers it.
/// </summary>
public sealed class QuietWatch(string ignoredQueue, TimeSpan? window = null)
{
    public TimeSpan Window { get; } = window ?? TimeSpan.FromSeconds(7);

    private DateTime? _lastBusy;
    private Dictionary<string, long> _activity = [];

    /// <summary>The queues that kept the last reading from being quiet: holding messages, or with traffic since the one before.</summary>
    public IReadOnlyList<string> Busy { get; private set; } = [];

    /// <summary>Takes a reading (null: unreadable, which is not quiet) and says whether it has been quiet for the window.</summary>
    public bool Observe(IReadOnlyList<QueueDepth>? reading, DateTime now)
    {
        var watched = reading?.Where(q => !q.IsDeadLetter && q.Name != ignoredQueue).ToDictionary(q => q.Name, StringComparer.Ordinal);
        var holding = watched?.Values.Where(q => q.Messages > 0).Select(q => $"{q.Name} holds {q.Messages}") ?? [];
        // A queue that appeared or vanished (a restarted instance's own queue) counts as traffic too.
        var moved = watched is null ? ["broker unreadable"]
            : watched.Keys.Union(_activity.Keys).Where(name => watched.GetValueOrDefault(name)?.Activity != _activity.GetValueOrDefault(name, -1))
                .Select(name => $"{name} passed {(watched.GetValueOrDefault(name)?.Activity ?? 0) - _activity.GetValueOrDefault(name)}");
        Busy = holding.Concat(moved).ToList();
        // The first reading has nothing to compare with, so it counts as busy: rest is measured from a reading that saw work.
        if (Busy.Count > 0 || _lastBusy is null)
            _lastBusy = now;
        _activity = watched?.ToDictionary(q => q.Key, q => q.Value.Activity, StringComparer.Ordinal) ?? [];
        return now - _lastBusy >= Window;
    }
}
