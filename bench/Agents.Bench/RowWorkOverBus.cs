using System.Diagnostics;
using Agents.Contracts;
using Agents.Harness;
using Agents.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agents.Bench;

/// <summary>
/// Context for the saga figures: the raw baseline's row work, but behind the broker, done by a MassTransit consumer
/// with our bus settings (retry, in-memory outbox, log scope, 16 concurrent). What receiving a message costs before
/// any saga, EF Core or audit row: the part of the writer's cost that its design (a saga on a queue) makes fixed.
/// </summary>
internal sealed class RowWorkOverBus : IAsyncDisposable
{
    private readonly IsolatedBroker _broker;
    private readonly RunningService _service;
    private readonly Progress _progress;

    private RowWorkOverBus(IsolatedBroker broker, RunningService service, Progress progress) =>
        (_broker, _service, _progress) = (broker, service, progress);

    public static async Task<RowWorkOverBus> StartAsync(NpgsqlDataSource rows, CancellationToken cancellationToken)
    {
        var broker = await IsolatedBroker.CreateAsync();
        var progress = new Progress();
        var service = await RunningService.StartAsync((args, overrides) =>
        {
            var builder = ServiceHost.CreateBuilder(args, overrides);
            builder.AddAgentsTelemetry("bench-row-work");
            builder.Services.AddSingleton(new RowWork(rows, progress));
            builder.AddAgentsBus(x => x.AddConsumer<RowWorkConsumer>());
            var app = builder.Build();
            app.MapAgentsHealth();
            return app;
        }, [broker.Settings, new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Agents"] = "Warning",
            ["Logging:LogLevel:MassTransit"] = "Warning",
        }]);
        var system = new RowWorkOverBus(broker, service, progress);
        var round = 0;
        await WarmUp.UntilJitSettledAsync(() => system.RoundAsync($"warm{round++}", 500, cancellationToken), cancellationToken);
        return system;
    }

    /// <summary>Publishes <paramref name="count"/> proposals as the saga's rounds do, and waits until the consumer did the row work of each.</summary>
    public async Task<Round> RoundAsync(string prefix, int count, CancellationToken cancellationToken)
    {
        var proposals = Enumerable.Range(0, count).Select(i => BenchProposals.SetPriority($"bus-{prefix}-{i}")).ToList();
        var done = _progress.Expect(count);
        var clock = Stopwatch.StartNew();
        await BenchProposals.PublishAsync(_service.Services.GetRequiredService<IBus>(), proposals, cancellationToken);
        var latency = await done.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        return new Round(count, clock.Elapsed, latency);
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _broker.DisposeAsync();
    }

    internal sealed record RowWork(NpgsqlDataSource Rows, Progress Progress);

    internal sealed class RowWorkConsumer(RowWork work) : IConsumer<ProposeWrite>
    {
        public async Task Consume(ConsumeContext<ProposeWrite> context)
        {
            await SagaRawBaseline.RowWorkAsync(work.Rows, context.Message.IdempotencyKey, context.CancellationToken);
            work.Progress.Done(DateTimeOffset.UtcNow - context.Message.ProposedAt);
        }
    }

    /// <summary>Counts finished messages of the current round and completes once all of them are done.</summary>
    internal sealed class Progress
    {
        private readonly Lock _lock = new();
        private int _left;
        private Measurements _latency = new();
        private TaskCompletionSource<Measurements> _done = new();

        public Task<Measurements> Expect(int count)
        {
            lock (_lock)
            {
                (_left, _latency) = (count, new Measurements());
                _done = new TaskCompletionSource<Measurements>(TaskCreationOptions.RunContinuationsAsynchronously);
                return _done.Task;
            }
        }

        public void Done(TimeSpan latency)
        {
            lock (_lock)
            {
                _latency.Add(latency);
                if (--_left == 0)
                    _done.TrySetResult(_latency);
            }
        }
    }
}
