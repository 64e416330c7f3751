using Agents.ServiceDefaults.Redelivery;
using Microsoft.Extensions.Configuration;

namespace Agents.ServiceDefaults.Tests;

public class RedeliveryScheduleTests
{
    [Test]
    public void The_shipped_schedule_waits_10s_1m_5m_then_every_10m_for_a_day()
    {
        var intervals = new RedeliverySchedule().Intervals();
        var total = intervals.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        Assert.Multiple(() =>
        {
            Assert.That(intervals.Take(4), Is.EqualTo(new[] { TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10) }));
            Assert.That(intervals.Skip(3), Has.All.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(total, Is.LessThanOrEqualTo(TimeSpan.FromHours(24)).And.GreaterThan(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(10)));
            Assert.That(new RedeliverySchedule().DistinctDelays().Select(RedeliverySchedule.QueueName),
                Is.EqualTo(new[] { "agents-redelivery-10s", "agents-redelivery-1m", "agents-redelivery-5m", "agents-redelivery-10m" }));
            Assert.That(new RedeliverySchedule().EffectiveRetries.Aggregate(TimeSpan.Zero, (a, b) => a + b).TotalSeconds, Is.EqualTo(18.75).Within(0.01));
        });
    }

    [Test]
    public void Configuration_replaces_the_delays_and_the_total_bounds_them()
    {
        var schedule = Bind(new()
        {
            ["Redelivery:Delays:0"] = "00:00:05",
            ["Redelivery:Delays:1"] = "00:00:01.500",
            ["Redelivery:Total"] = "00:00:10",
        });
        Assert.Multiple(() =>
        {
            // 5 + 1.5 + 1.5 + 1.5 = 9.5; one more would pass 10.
            Assert.That(schedule.Intervals(), Is.EqualTo(new[] { 5000, 1500, 1500, 1500 }.Select(ms => TimeSpan.FromMilliseconds(ms))));
            Assert.That(schedule.DistinctDelays().Select(RedeliverySchedule.QueueName), Is.EqualTo(new[] { "agents-redelivery-5s", "agents-redelivery-1500ms" }));
            Assert.That(Bind(new() { ["Redelivery:Total"] = "00:00:00" }).Intervals(), Is.Empty, "a total of zero turns redelivery off");
        });
    }

    [TestCase("00:00:00.500")]
    [TestCase("2.00:00:00")]
    public void A_delay_the_broker_cannot_keep_stops_the_service(string delay) =>
        Assert.That(() => Bind(new() { ["Redelivery:Delays:0"] = delay }).Intervals(), Throws.InvalidOperationException);

    private static RedeliverySchedule Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(RedeliverySchedule.Section).Get<RedeliverySchedule>()!;
}
