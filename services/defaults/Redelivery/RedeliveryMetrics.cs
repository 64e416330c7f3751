using System.Diagnostics.Metrics;

namespace Agents.ServiceDefaults.Redelivery;

/// <summary>The durable redelivery's instruments (meter <c>Agents.Messaging</c>, shared by every service).</summary>
public sealed class RedeliveryMetrics
{
    public const string MeterName = "Agents.Messaging";

    private readonly Counter<long> _redeliveries;

    public RedeliveryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _redeliveries = meter.CreateCounter<long>("agents.messaging.redeliveries", "{message}",
            "Messages sent to a delay queue after their in-memory retries ran out on a transient failure, by queue and delay.");
    }

    public void Redelivered(string queue, TimeSpan delay) => _redeliveries.Add(1,
        new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("delay", RedeliverySchedule.QueueName(delay)));
}
