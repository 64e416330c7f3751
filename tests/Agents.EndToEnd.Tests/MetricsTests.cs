using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Agents.Contracts;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// One ticket through all three services moves the metrics an operator watches, with the names, units and tags the
/// README documents (a dashboard built on them must not silently go blank after a rename).
/// </summary>
[TestFixture]
public class MetricsTests
{
    private sealed record Measurement(string Instrument, string? Unit, long Value, IReadOnlyDictionary<string, object?> Tags);

    [Test]
    public async Task One_ticket_moves_the_documented_metrics_of_every_service()
    {
        var seen = new ConcurrentQueue<Measurement>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name.StartsWith("Agents.", StringComparison.Ordinal))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Enqueue(new Measurement(instrument.Name, instrument.Unit, value, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            seen.Enqueue(new Measurement(instrument.Name, instrument.Unit, (long)value, ToDictionary(tags))));
        listener.Start();

        await using var system = await AgentsSystem.StartAsync();
        var delivered = await system.DeliverAsync(Tickets.Billing("T-METRICS"), "msg_metrics_1");
        Assert.That(delivered.Accepted, Is.True, delivered.Answer);
        var again = await system.SendGenericAsync(Tickets.Billing("T-METRICS"), "msg_metrics_1");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the retried delivery is a duplicate");

        var key = WriteKey.For("generic", "T-METRICS", WriteKinds.SetPriority);
        var held = await Eventually.Until(() => system.WritesAsync(), w => w.Any(x => x.GetProperty("idempotencyKey").GetString() == key),
            TimeSpan.FromSeconds(30), "the held write");
        var id = held.Single(x => x.GetProperty("idempotencyKey").GetString() == key).GetProperty("id").GetGuid();
        await system.Writer.Client.ApproveAsync(id, "metrics");
        await Eventually.Until(() => Task.FromResult(seen.Count(m => m.Instrument == "agents.writer.crm.writes")),
            n => n >= 1, TimeSpan.FromSeconds(30), "the CRM write to be counted");
        listener.RecordObservableInstruments();

        bool Has(string name, string? tag = null, object? value = null) => seen.Any(m => m.Instrument == name
            && (tag is null || (m.Tags.TryGetValue(tag, out var v) && Equals(v?.ToString(), value?.ToString()))));

        Assert.Multiple(() =>
        {
            Assert.That(Has("agents.ingest.webhooks", "status_code", 202), "webhooks by answer");
            Assert.That(Has("agents.ingest.webhooks", "source", "generic"), "webhooks by source");
            Assert.That(Has("agents.ingest.duplicates", "source", "generic"), "duplicates suppressed");
            Assert.That(Has("agents.classifier.classifications", "classified_by", "rules"), "classifications by source");
            Assert.That(Has("agents.writer.proposals", "outcome", "held"), "proposals held");
            Assert.That(Has("agents.writer.approval.duration"), "approval latency");
            Assert.That(Has("agents.writer.crm.writes", "outcome", "applied"), "CRM writes by outcome");
            Assert.That(seen.Where(m => m.Instrument == "agents.writer.approval.duration").Select(m => m.Unit), Is.All.EqualTo("s"));
        });
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>(tags.Length);
        foreach (var tag in tags)
            result[tag.Key] = tag.Value;
        return result;
    }
}
