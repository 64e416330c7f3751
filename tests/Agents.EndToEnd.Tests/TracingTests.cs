using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Agents.Contracts;
using Agents.Testing;
using NUnit.Framework;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// One ticket is one trace: the webhook's HTTP span, the classifier's consume and the writer's saga all share a
/// trace id, because MassTransit carries the trace context across the broker. The person's approval arrives later in
/// a trace of its own; the CRM write joins the ticket's trace and links to the approval's.
/// </summary>
[TestFixture]
public class TracingTests
{
    [Test]
    public async Task One_ticket_is_one_trace_from_webhook_to_crm_write_linked_to_the_approval()
    {
        var spans = new List<Activity>();
        // An in-memory exporter in the test process sees the spans of all three in-process services, as a collector
        // would (the services themselves record spans only when an exporter is configured).
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource("MassTransit", "Agents")
            .AddAspNetCoreInstrumentation()
            .AddInMemoryExporter(spans)
            .Build();
        await using var system = await AgentsSystem.StartAsync();

        var delivered = await system.DeliverAsync(Tickets.Billing("T-TRACE"), "msg_trace_1");
        Assert.That(delivered.Accepted, Is.True, delivered.Answer);
        var key = WriteKey.For("generic", "T-TRACE", WriteKinds.SetPriority);
        var held = await Eventually.Until(() => system.WritesAsync(), w => w.Any(x => x.GetProperty("idempotencyKey").GetString() == key),
            TimeSpan.FromSeconds(30), "the held write");
        var id = held.Single(x => x.GetProperty("idempotencyKey").GetString() == key).GetProperty("id").GetGuid();
        var approve = await system.Writer.Client.ApproveAsync(id, "trace");
        Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Eventually.Until(() => system.WritesAsync("Applied"), w => w.Count == 1, TimeSpan.FromSeconds(30), "the write applied");
        tracing.ForceFlush();

        List<Activity> Snapshot() { lock (spans) return [.. spans]; }
        // The attempt that got the ticket in (a 503 before it, tried again as a CRM does, is a trace of its own).
        var webhook = Snapshot().Single(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("/webhooks/", StringComparison.Ordinal)
            && s.GetTagItem("http.response.status_code") is 202);
        var trace = Snapshot().Where(s => s.TraceId == webhook.TraceId).ToList();

        var seen = string.Join("\n", trace.Select(s => $"{s.Kind} {s.DisplayName}"));
        TestContext.Out.WriteLine(seen);
        Assert.Multiple(() =>
        {
            Assert.That(trace.Any(s => s.Kind == ActivityKind.Producer && s.DisplayName.Contains("TicketReceived", StringComparison.Ordinal)),
                "ingest publishes TicketReceived inside the webhook's trace:\n" + seen);
            Assert.That(trace.Any(s => s.Kind == ActivityKind.Consumer && s.DisplayName.Contains("ticket-received", StringComparison.Ordinal)),
                "the classifier consumes it in the same trace:\n" + seen);
            Assert.That(trace.Any(s => s.Kind == ActivityKind.Consumer && s.DisplayName.Contains("write-approval-state", StringComparison.Ordinal)),
                "the writer's saga handles the proposal in the same trace:\n" + seen);
        });

        // The approval is its own HTTP request, so its own trace; the CRM write is in the ticket's trace, linked to it.
        var approval = Snapshot().Single(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("/approve", StringComparison.Ordinal));
        var crm = Snapshot().Where(s => s.DisplayName.StartsWith("crm apply", StringComparison.Ordinal)).ToList();
        Assert.That(crm, Has.Count.EqualTo(1), "one CRM write span");
        Assert.Multiple(() =>
        {
            Assert.That(approval.TraceId, Is.Not.EqualTo(webhook.TraceId), "the approval is a trace of its own");
            Assert.That(crm[0].TraceId, Is.EqualTo(webhook.TraceId), "the CRM write is in the ticket's trace");
            Assert.That(crm[0].Links.Select(l => l.Context.TraceId), Does.Contain(approval.TraceId), "linked to the approval's trace");
            Assert.That(crm[0].GetTagItem("agents.idempotency_key"), Is.EqualTo(key));
        });
    }

    [Test]
    public async Task Without_an_exporter_the_trace_context_still_crosses_the_broker()
    {
        // No tracer provider here: the services record no spans, only propagate their context.
        await using var system = await AgentsSystem.StartAsync();
        var delivered = await system.DeliverAsync(Tickets.Billing("T-PROPAGATE"), "msg_propagate_1");
        Assert.That(delivered.Accepted, Is.True, delivered.Answer);
        var key = WriteKey.For("generic", "T-PROPAGATE", WriteKinds.SetPriority);
        await Eventually.Until(() => system.WritesAsync(), w => w.Any(x => x.GetProperty("idempotencyKey").GetString() == key),
            TimeSpan.FromSeconds(30), "the held write");

        var classifierTrace = await system.Database.ScalarAsync<string>(
            "SELECT \"TraceId\" FROM classifier_steps WHERE \"ExternalId\" = 'T-PROPAGATE' AND \"TraceId\" IS NOT NULL LIMIT 1");
        var writerTraceParent = await system.Database.ScalarAsync<string>(
            $"SELECT \"TraceParent\" FROM write_approvals WHERE \"IdempotencyKey\" = '{key}'");
        Assert.That(classifierTrace, Has.Length.EqualTo(32), "the classifier handled the ticket inside a trace");
        Assert.That(writerTraceParent.Split('-')[1], Is.EqualTo(classifierTrace),
            "the writer's saga received the proposal in the classifier's trace: MassTransit carried it across the broker");
    }
}
