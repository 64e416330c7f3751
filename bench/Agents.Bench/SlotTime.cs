namespace Agents.Bench;

/// <summary>
/// Where a call slot's time went besides its calls, in one classifier run (issue #18), from the arrival times of the
/// LLM calls at the fake server: <see cref="Fill"/>, the mean wait from the first webhook sent to each slot's first
/// call (the first <c>concurrency</c> calls); <see cref="Drain"/>, the mean time from each of the last
/// <c>concurrency</c> calls' end to the last ticket seen out; <see cref="Between"/>, what is left per slot: idle
/// between one call's end and the next call's start. Fill + drain + between, over the run's time, is the share of
/// the ceiling the run missed.
/// </summary>
public sealed record SlotTime(TimeSpan Fill, TimeSpan Drain, TimeSpan Between)
{
    public static SlotTime Of(IReadOnlyList<DateTimeOffset> arrivals, int concurrency, DateTimeOffset started, TimeSpan elapsed, TimeSpan latency)
    {
        var ordered = arrivals.Order().ToList();
        var slots = Math.Min(concurrency, ordered.Count);
        var fill = TimeSpan.FromTicks((long)ordered.Take(slots).Average(a => (a - started).Ticks));
        var end = started + elapsed;
        var drain = TimeSpan.FromTicks((long)ordered.TakeLast(slots).Average(a => (end - (a + latency)).Ticks));
        var callsPerSlot = (double)ordered.Count / concurrency;
        return new SlotTime(fill, drain, elapsed - latency * callsPerSlot - fill - drain);
    }
}
