namespace Agents.Faults.Tests;

[TestFixture]
public sealed class QuietWatchTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 20, 0, 0, DateTimeKind.Utc);

    private static QueueDepth[] Reading(int writerQueue, long activity) =>
    [
        new("write-approval-state", writerQueue, 0, activity),
        new("write-approval-state_error", 3, 0, 999), // given up on: reported elsewhere, never waited for
        new(EscalationProbe.Queue, 5, 0, 12345), // the test's own queue, drained by the test
    ];

    [Test]
    public void Rest_needs_empty_queues_and_no_traffic_for_the_whole_window()
    {
        var watch = new QuietWatch(EscalationProbe.Queue, TimeSpan.FromSeconds(7));
        Assert.Multiple(() =>
        {
            Assert.That(watch.Observe(Reading(4, 100), T0), Is.False, "messages waiting");
            Assert.That(watch.Observe(Reading(0, 110), T0.AddSeconds(1)), Is.False, "empty, window starts");
            Assert.That(watch.Observe(Reading(0, 110), T0.AddSeconds(7)), Is.False, "6 s of 7");
            Assert.That(watch.Observe(Reading(0, 110), T0.AddSeconds(8)), Is.True, "7 s empty and unchanged");
        });
    }

    [Test]
    public void A_queue_emptied_before_the_reading_before_counts_from_its_last_busy_reading()
    {
        // The counters may already include the last deliveries while the depth still showed them: the next reading
        // then shows an empty queue with unchanged counters, and rest is counted from the busy one.
        var watch = new QuietWatch(EscalationProbe.Queue, TimeSpan.FromSeconds(7));
        watch.Observe(Reading(2, 110), T0);
        Assert.Multiple(() =>
        {
            Assert.That(watch.Observe(Reading(0, 110), T0.AddSeconds(1)), Is.False);
            Assert.That(watch.Observe(Reading(0, 110), T0.AddSeconds(7)), Is.True);
        });
    }

    [Test]
    public void Traffic_between_two_empty_readings_starts_the_window_again()
    {
        var watch = new QuietWatch(EscalationProbe.Queue, TimeSpan.FromSeconds(7));
        watch.Observe(Reading(0, 110), T0);
        Assert.Multiple(() =>
        {
            Assert.That(watch.Observe(Reading(0, 112), T0.AddSeconds(6)), Is.False, "a message passed through unseen");
            Assert.That(watch.Observe(Reading(0, 112), T0.AddSeconds(12)), Is.False);
            Assert.That(watch.Observe(Reading(0, 112), T0.AddSeconds(13)), Is.True);
        });
    }

    [Test]
    public void An_unreadable_broker_is_not_at_rest()
    {
        var watch = new QuietWatch(EscalationProbe.Queue, TimeSpan.FromSeconds(7));
        watch.Observe(Reading(0, 110), T0);
        Assert.Multiple(() =>
        {
            Assert.That(watch.Observe(null, T0.AddSeconds(8)), Is.False);
            Assert.That(watch.Observe(Reading(0, 110), T0.AddSeconds(9)), Is.False, "the window starts again after the gap");
        });
    }

    [Test]
    public void What_keeps_it_from_rest_is_named()
    {
        var watch = new QuietWatch(EscalationProbe.Queue, TimeSpan.FromSeconds(7));
        watch.Observe(Reading(2, 110), T0);
        Assert.That(watch.Busy, Has.Some.EqualTo("write-approval-state holds 2"));
        watch.Observe(Reading(0, 113), T0.AddSeconds(1));
        Assert.That(watch.Busy, Is.EqualTo(new[] { "write-approval-state passed 3" }));
    }
}
