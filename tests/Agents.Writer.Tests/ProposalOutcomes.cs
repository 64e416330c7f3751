using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Agents.Writer.Telemetry;

namespace Agents.Writer.Tests;

/// <summary>What the writers of this process counted on agents.writer.proposals, by outcome, from its creation on.</summary>
public sealed class ProposalOutcomes : IDisposable
{
    private readonly ConcurrentDictionary<string, long> _counts = new();
    private readonly MeterListener _listener = new();

    public ProposalOutcomes()
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WriterMetrics.MeterName && instrument.Name == "agents.writer.proposals")
                l.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            _counts.AddOrUpdate(string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")), value, (_, n) => n + value));
        _listener.Start();
    }

    /// <summary>How many proposals were counted with this outcome (held, duplicate, …).</summary>
    public long this[string outcome] => _counts.GetValueOrDefault($"outcome={outcome}");

    public void Dispose() => _listener.Dispose();
}
