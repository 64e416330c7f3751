using System.Globalization;

namespace Agents.ServiceDefaults.Redelivery;

/// <summary>
/// What happens to a message whose consumer fails, bound from the <c>Redelivery</c> section. First it is retried in
/// memory after each of <see cref="Retries"/> (it keeps its place meanwhile). If that runs out on a transient failure
/// (<see cref="TransientFailures"/>) it comes back after each delay of <see cref="Delays"/> in turn, then after the last
/// one again and again while the waits add up to at most <see cref="Total"/>, each time with its in-memory retries;
/// after that, or at once on any other failure, it goes to its endpoint's <c>_error</c> queue. Each delay is a queue of
/// the broker's own (<see cref="QueueName"/>), so a waiting message outlives a restart of the service (and, on quorum
/// queues, of the broker).
/// </summary>
public sealed class RedeliverySchedule
{
    public const string Section = "Redelivery";

    /// <summary>
    /// Fast at first, for the saga's first-copy race, ~19 s in all, so a PostgreSQL restart is ridden out without a
    /// trip through the broker.
    /// </summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetries =
    [
        TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1),
        TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10),
    ];

    /// <summary>The waits before each in-memory retry. Unset: <see cref="DefaultRetries"/>.</summary>
    public TimeSpan[]? Retries { get; set; }

    public IReadOnlyList<TimeSpan> EffectiveRetries => Retries is { Length: > 0 } retries ? retries : DefaultRetries;

    /// <summary>10 s, 1 min, 5 min, then every 10 min: a restart is ridden out at once, a long outage costs little.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultDelays =
        [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)];

    /// <summary>The waits before the first, second, … redelivery; the last repeats. Unset: <see cref="DefaultDelays"/>.</summary>
    public TimeSpan[]? Delays { get; set; }

    /// <summary>The most a message waits in the delay queues in all (a night's outage and a morning); zero: no redelivery.</summary>
    public TimeSpan Total { get; set; } = TimeSpan.FromHours(24);

    public IReadOnlyList<TimeSpan> EffectiveDelays => Delays is { Length: > 0 } delays ? delays : DefaultDelays;

    /// <summary>The wait before each redelivery in turn; its length is how many redeliveries a message gets.</summary>
    public IReadOnlyList<TimeSpan> Intervals()
    {
        Validate();
        var delays = EffectiveDelays;
        var intervals = new List<TimeSpan>();
        var waited = TimeSpan.Zero;
        for (var i = 0; ; i++)
        {
            var next = delays[Math.Min(i, delays.Count - 1)];
            if (waited + next > Total)
                return intervals;
            intervals.Add(next);
            waited += next;
        }
    }

    /// <summary>The delay queue of each distinct delay the schedule uses.</summary>
    public IReadOnlyList<TimeSpan> DistinctDelays() => Intervals().Distinct().ToList();

    /// <summary>
    /// The queue where a message waits <paramref name="delay"/> (<c>agents-redelivery-10s</c>, <c>-5m</c>, <c>-1500ms</c>):
    /// one per delay, shared by every endpoint of the virtual host, since the message's routing key names its queue.
    /// </summary>
    public static string QueueName(TimeSpan delay)
    {
        var ms = (long)delay.TotalMilliseconds;
        return ms % 60_000 == 0 ? string.Create(CultureInfo.InvariantCulture, $"agents-redelivery-{ms / 60_000}m")
            : ms % 1000 == 0 ? string.Create(CultureInfo.InvariantCulture, $"agents-redelivery-{ms / 1000}s")
            : string.Create(CultureInfo.InvariantCulture, $"agents-redelivery-{ms}ms");
    }

    /// <summary>Delays the broker can keep (whole milliseconds, at least 1 s, at most a day); a bad schedule stops the service at start.</summary>
    public void Validate()
    {
        foreach (var delay in EffectiveDelays)
        {
            if (delay < TimeSpan.FromSeconds(1) || delay > TimeSpan.FromDays(1) || delay.Ticks % TimeSpan.TicksPerMillisecond != 0)
                throw new InvalidOperationException(
                    $"Redelivery:Delays holds {delay}: each delay must be whole milliseconds between 1 second and 1 day.");
        }
        // In memory the message holds its consumer slot and stays unacknowledged: keep it well below the broker's
        // consumer timeout (30 min), which would close the channel.
        if (EffectiveRetries.Any(r => r < TimeSpan.Zero) || EffectiveRetries.Aggregate(TimeSpan.Zero, (a, b) => a + b) > TimeSpan.FromMinutes(5))
            throw new InvalidOperationException("Redelivery:Retries must be waits of zero or more, at most 5 minutes in all.");
        if (Total < TimeSpan.Zero)
            throw new InvalidOperationException($"Redelivery:Total is {Total}: it must be zero (no redelivery) or more.");
    }
}
