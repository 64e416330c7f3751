using Agents.ServiceDefaults.Redelivery;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Agents.ServiceDefaults.Queues;

/// <summary>The names of this service's endpoint queues, gathered while MassTransit configures them.</summary>
public sealed class EndpointQueues
{
    private readonly List<string> _names = [];

    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_names)
                return _names.ToList();
        }
    }

    public void Add(string queue)
    {
        lock (_names)
            if (!_names.Contains(queue))
                _names.Add(queue);
    }
}

/// <summary>
/// Before the bus starts: every queue this service owns exists with the arguments it is configured with (its endpoint
/// queues, their <c>_error</c> queues, the redelivery's delay queues), so a poisoned message always has its error
/// queue to go to. A queue that exists with other arguments (classic queues of an earlier deployment, now configured
/// quorum) is recreated by <see cref="QueueMigration"/> with its messages, one instance at a time (an exclusive queue
/// of the broker is the lock; it goes with the connection if the instance dies). Then the bindings the service retired
/// (<see cref="RetiredBinding"/>) are removed. Until the broker answers it keeps
/// trying: the endpoints could not start without it anyway, and the HTTP side (health, 503s) runs meanwhile.
/// </summary>
public sealed class QueuePreparation(EndpointQueues endpoints, RabbitMqOptions options, RedeliverySchedule schedule,
    IHostApplicationLifetime lifetime, ILogger<QueuePreparation> logger, IReadOnlyList<RetiredBinding> retired) : IBusObserver
{
    public const string LockQueue = "agents-queue-migration-lock";

    public async Task PreStart(IBus bus)
    {
        var queues = endpoints.Names;
        if (queues.Count == 0)
            return; // ingest: it only publishes
        var stopping = lifetime.ApplicationStopping;
        var wait = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await PrepareAsync(queues, stopping);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not prepare the queues of {Queues} yet; trying again in {Wait}", string.Join(", ", queues), wait);
                await Task.Delay(wait, stopping);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    /// <summary>One pass over every queue; public for the tests and for an operator's tool.</summary>
    public async Task PrepareAsync(IReadOnlyList<string> queues, CancellationToken cancellationToken)
    {
        await using var connection = await options.ConnectAsync("queue preparation", cancellationToken);
        var migration = new QueueMigration(connection, options, logger);
        // Delay queues first: while an endpoint queue is recreated, nothing waiting in a delay queue of the old kind
        // (which may drop what it cannot route) must expire towards it.
        foreach (var delay in schedule.DistinctDelays())
            await EnsureAsync(connection, migration, OwnedQueue.Delay(options, delay), true, cancellationToken);
        foreach (var queue in queues)
        {
            await EnsureAsync(connection, migration, OwnedQueue.Endpoint(options, queue), true, cancellationToken);
            await EnsureAsync(connection, migration, OwnedQueue.Error(options, queue), true, cancellationToken);
            await EnsureAsync(connection, migration, OwnedQueue.Skipped(options, queue), false, cancellationToken);
        }
        foreach (var binding in retired)
        {
            // Removing a binding that is gone is a no-op; an exchange that does not exist (404) has no bindings either.
            var refusal = await BrokerReplies.TryAsync(connection,
                c => c.ExchangeUnbindAsync(binding.DestinationExchange, binding.SourceExchange, "", cancellationToken: cancellationToken), cancellationToken);
            if (refusal is { Code: not BrokerReplies.NotFound } other)
                throw new InvalidOperationException($"The retired binding {binding.SourceExchange} → {binding.DestinationExchange} could not be removed: {other.Text}");
        }
    }

    private async Task EnsureAsync(IConnection connection, QueueMigration migration, OwnedQueue queue, bool create, CancellationToken cancellationToken)
    {
        if (!create && !await BrokerReplies.ExistsAsync(connection, queue.Name, cancellationToken))
            return;
        var refusal = await BrokerReplies.TryAsync(connection, c => QueueDeclaration.DeclareAsync(c, queue, cancellationToken), cancellationToken);
        if (refusal is { Code: not BrokerReplies.PreconditionFailed } other)
            throw new InvalidOperationException($"Queue {queue.Name} could not be declared: {other.Text}");
        if (refusal is null && !await BrokerReplies.ExistsAsync(connection, QueueMigration.HoldingName(queue.Name), cancellationToken))
            return;
        await using var held = await AcquireLockAsync(connection, cancellationToken);
        await migration.MigrateAsync(queue, cancellationToken);
    }

    /// <summary>The migration lock: an exclusive queue, which only one connection can declare at a time.</summary>
    private async Task<IAsyncDisposable> AcquireLockAsync(IConnection connection, CancellationToken cancellationToken)
    {
        var logged = false;
        while (true)
        {
            var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                await channel.QueueDeclareAsync(LockQueue, durable: false, exclusive: true, autoDelete: false, cancellationToken: cancellationToken);
                return new MigrationLock(channel);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == BrokerReplies.ResourceLocked)
            {
                await channel.DisposeAsync();
                if (!logged)
                    logger.LogWarning("Another instance is recreating queues; waiting for it");
                logged = true;
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private sealed class MigrationLock(IChannel channel) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await channel.QueueDeleteAsync(LockQueue);
            await channel.DisposeAsync();
        }
    }

    public void PostCreate(IBus bus) { }
    public void CreateFaulted(Exception exception) { }
    public Task PostStart(IBus bus, Task<BusReady> busReady) => Task.CompletedTask;
    public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;
    public Task PreStop(IBus bus) => Task.CompletedTask;
    public Task PostStop(IBus bus) => Task.CompletedTask;
    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
}
