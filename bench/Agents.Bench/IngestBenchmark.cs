using System.Diagnostics;
using System.Net;
using System.Text;
using Agents.Ingest;
using Agents.Ingest.Persistence;
using Agents.ServiceDefaults;
using Agents.Testing;
using RabbitMQ.Client;

namespace Agents.Bench;

/// <summary>
/// Webhooks accepted per second by one ingest (signed, verified, normalized, duplicate-checked, published with
/// confirms, recorded), beside a raw RabbitMQ.Client publisher with publisher confirms on the same broker, same
/// body size, same concurrency. Goal: ingest at least half the raw rate.
/// </summary>
public sealed class IngestBenchmark : IBenchmark
{
    public string Name => "ingest";
    public string Description => "signed webhooks accepted/s by one ingest vs a raw confirmed publisher";

    private const int Concurrency = 32;
    private const string Exchange = "Agents.Contracts:TicketReceived";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var count = context.Quick ? 1_000 : 5_000;
        await using var broker = await IsolatedBroker.CreateAsync();
        await using var database = await IsolatedDatabase.CreateAsync();
        await IngestSink.BindAsync(broker, Exchange);

        var body = SampleBody("warmup");
        Report.Header($"ingest: {count} webhooks, {Concurrency} at a time, {Encoding.UTF8.GetByteCount(body)}-byte bodies");

        var raw = await RawConfirmedPublishAsync(broker, count, Encoding.UTF8.GetBytes(body), cancellationToken);
        Report.Row("raw RabbitMQ.Client publish + confirm", raw.Count, raw.Elapsed, raw.Latency);

        await using var ingest = await RunningService.StartAsync(IngestService.Build, [broker.Settings, database.Settings, new Dictionary<string, string?>
        {
            ["Ingest:Sources:generic:Secret"] = SignedWebhooks.Secret,
            ["Ingest:RateLimit:PermitsPerSecond"] = "1000000",
            ["Logging:LogLevel:Default"] = "Error",
            ["Logging:LogLevel:Agents"] = "Error",
        }], sp => DatabaseMigration.MigrateAsync<IngestDbContext>(sp));
        ingest.Client.DefaultRequestHeaders.ConnectionClose = false;

        await WebhooksAsync(ingest, Math.Min(200, count), "warm", cancellationToken); // JIT, pools, first queries
        var measured = await WebhooksAsync(ingest, count, "run", cancellationToken);
        var rawRate = raw.Count / raw.Elapsed.TotalSeconds;
        Report.Row("ingest POST /webhooks/generic -> 202", measured.Count, measured.Elapsed, measured.Latency, rawRate);
        Console.WriteLine($"ratio ingest/raw: {measured.Count / measured.Elapsed.TotalSeconds / rawRate:0.00} (goal >= 0.50); non-202 answers: {measured.Failures}");
    }

    private static string SampleBody(string id) =>
        $$$"""{"type":"ticket.created","ticket":{"id":"{{{id}}}","subject":"Invoice charged twice","body":"My invoice shows a double charge for March.","requester":{"name":"Dana Miller","email":"dana@example.com"},"priority":"high","tags":["billing"],"status":"open","created_at":"2026-11-20T09:30:00Z","updated_at":1763631060}}""";

    private static async Task<(int Count, TimeSpan Elapsed, Measurements Latency, int Failures)> WebhooksAsync(
        RunningService ingest, int count, string prefix, CancellationToken cancellationToken)
    {
        var latency = new Measurements();
        var next = -1;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && !cancellationToken.IsCancellationRequested)
            {
                using var request = SignedWebhooks.Generic("/webhooks/generic", SampleBody($"{prefix}-{i}"), $"msg_{prefix}_{i}_{Guid.NewGuid():N}");
                var started = Stopwatch.GetTimestamp();
                using var response = await ingest.Client.SendAsync(request, cancellationToken);
                latency.Add(Stopwatch.GetElapsedTime(started));
                if (response.StatusCode != HttpStatusCode.Accepted)
                    Interlocked.Increment(ref failures);
            }
        }));
        return (count - failures, clock.Elapsed, latency, failures);
    }

    private static async Task<(int Count, TimeSpan Elapsed, Measurements Latency)> RawConfirmedPublishAsync(
        IsolatedBroker broker, int count, byte[] body, CancellationToken cancellationToken)
    {
        await using var connection = await IngestSink.ConnectAsync(broker);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var latency = new Measurements();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                // Returns once the broker confirmed (tracking on), like ingest's publish.
                await channel.BasicPublishAsync(Exchange, "", mandatory: true,
                    new BasicProperties { Persistent = true, MessageId = Guid.NewGuid().ToString(), ContentType = "application/json" },
                    body, cancellationToken);
                latency.Add(Stopwatch.GetElapsedTime(started));
            }
        }));
        return (count, clock.Elapsed, latency);
    }
}
