using System.Collections.Concurrent;
using Agents.Contracts;
using Agents.Sagas.Postgres;
using Agents.Writer.BulkGuard;
using Agents.Writer.Crm;
using Agents.Writer.Persistence;
using Agents.Writer.Policy;
using Agents.Writer.Sagas;
using Agents.Writer.Sagas.Activities;
using Agents.Writer.Telemetry;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Agents.Writer.Tests;

/// <summary>
/// The writer's saga in MassTransit's in-memory test harness: the real state machine and activities, the real policy,
/// routes and bulk guard, an in-memory saga repository, EF Core's in-memory provider for the audit rows and a clock the
/// test moves. What needs PostgreSQL itself (row locks, batches opened by SQL, the rate window) is tested on it elsewhere.
/// </summary>
public sealed class InMemorySaga : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly Transactions _transactions;

    /// <summary>The clock the writer reads: the test moves it.</summary>
    public FakeTimeProvider Clock { get; }
    public ITestHarness Harness { get; }
    public ISagaStateMachineTestHarness<WriteApprovalStateMachine, WriteApprovalState> Saga { get; }

    private InMemorySaga(ServiceProvider provider)
    {
        _provider = provider;
        _transactions = provider.GetRequiredService<Transactions>();
        Clock = (FakeTimeProvider)provider.GetRequiredService<TimeProvider>();
        Harness = provider.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<WriteApprovalStateMachine, WriteApprovalState>();
    }

    public static async Task<InMemorySaga> StartAsync(string policy, IReadOnlyDictionary<string, string?>? settings = null, ILoggerProvider? logs = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The per-minute window is counted in PostgreSQL in its own transaction: BulkGuardTests cover it there.
            ["Writer:BulkGuard:MaxProposalsPerMinute"] = "0",
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var database = Guid.NewGuid().ToString("N");
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b =>
        {
            if (logs is not null)
                b.AddProvider(logs);
        });
        services.AddSingleton<Commits>();
        services.AddMetrics();
        services.Configure<WriterOptions>(configuration.GetSection(WriterOptions.Section));
        services.AddSingleton(WritePolicy.Parse(policy));
        services.AddSingleton<WriterMetrics>();
        services.AddSingleton<BulkGuardService>();
        services.AddScoped<OpenBatchReadAhead>(); // nothing reads ahead in memory: the guard asks EF
        services.AddDbContextFactory<WriterDbContext>(o => o.UseInMemoryDatabase(database));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<WriterDbContext>>().CreateDbContext());
        services.AddScoped<AfterCommit>();
        services.AddScoped<BulkHold>();
        services.AddScoped<WriteAudit>();
        services.AddScoped<WriteCounts>();
        services.AddCrmAdapters(configuration);
        services.AddSingleton<Transactions>();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2031, 3, 14, 9, 0, 0, TimeSpan.Zero)));
        services.AddMassTransitTestHarness(x =>
        {
            x.AddSagaStateMachine<WriteApprovalStateMachine, WriteApprovalState>().InMemoryRepository();
            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseConsumeFilter(typeof(SagaTransaction<>), context);
                cfg.ConfigureEndpoints(context);
            });
        });
        var saga = new InMemorySaga(services.BuildServiceProvider(true));
        await saga.Harness.Start();
        return saga;
    }

    /// <summary>Publishes <paramref name="message"/> (as its own type) and waits until the saga's transaction for it ended: its exception, if it faulted.</summary>
    public Task<Exception?> SendAsync(object message) => SendAsync(message, NewId.NextGuid());

    /// <summary>As <see cref="SendAsync(object)"/> with the message id given: the same id again is a copy of that message (a retry, a redelivery).</summary>
    public Task<Exception?> SendAsync(object message, Guid messageId) =>
        EndOf(messageId, id => Harness.Bus.Publish(message, message.GetType(), c => c.MessageId = id));

    /// <summary>As <see cref="SendAsync(object)"/> for a <typeparamref name="T"/> built from <paramref name="values"/> (a <see cref="Fault{T}"/>).</summary>
    public Task<Exception?> SendAsync<T>(object values) where T : class =>
        EndOf(NewId.NextGuid(), id => Harness.Bus.Publish<T>(values, c => c.MessageId = id));

    private async Task<Exception?> EndOf(Guid id, Func<Guid, Task> publish)
    {
        var end = _transactions.Next(id);
        await publish(id);
        return await end.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>The next message's transaction fails at its commit, after the state machine is done with it.</summary>
    public void FailNextCommit() => _provider.GetRequiredService<Commits>().FailNext = true;

    public WriteApprovalState Write(Guid id) =>
        Saga.Sagas.Contains(id) ?? throw new InvalidOperationException($"No write {id}.");

    public string State(Guid id) => Write(id).CurrentState;

    /// <summary>The write's audit actions in the order they were written.</summary>
    public async Task<string[]> HistoryAsync(Guid id)
    {
        await using var scope = _provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WriterDbContext>();
        return await db.Audit.Where(a => a.CorrelationId == id).OrderBy(a => a.Id).Select(a => a.Action).ToArrayAsync();
    }

    public async Task<int> ShadowRowsAsync()
    {
        await using var scope = _provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WriterDbContext>().ShadowProposals.CountAsync();
    }

    public ApplyWrite[] ApplyWrites(Guid id) =>
        Harness.Published.Select<ApplyWrite>().Select(m => m.Context.Message).Where(m => m.CorrelationId == id).ToArray();

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
    }

    /// <summary>Ends of the saga's transactions by message id, so a test waits for exactly the message it sent.</summary>
    private sealed class Transactions
    {
        private readonly ConcurrentDictionary<Guid, TaskCompletionSource<Exception?>> _ends = new();

        /// <summary>The end of the next transaction for <paramref name="messageId"/>: an earlier copy's has ended.</summary>
        public Task<Exception?> Next(Guid messageId)
        {
            _ends.TryRemove(messageId, out _);
            return Get(messageId).Task;
        }

        public void End(Guid? messageId, Exception? exception)
        {
            if (messageId is { } id)
                Get(id).TrySetResult(exception);
        }

        private TaskCompletionSource<Exception?> Get(Guid id) =>
            _ends.GetOrAdd(id, _ => new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>Whether the next commit fails (<see cref="FailNextCommit"/>).</summary>
    private sealed class Commits
    {
        private int _failNext;

        public bool FailNext { set => Volatile.Write(ref _failNext, value ? 1 : 0); }

        public bool TakeFailure() => Interlocked.Exchange(ref _failNext, 0) == 1;
    }

    /// <summary>
    /// What the PostgreSQL repository does for each message: the message scope's DbContext (the one the activities
    /// wrote to) saved and what waited for the commit run, once the state machine is done with the message.
    /// </summary>
    private sealed class SagaTransaction<T>(WriterDbContext db, AfterCommit afterCommit, Transactions transactions, Commits commits)
        : IFilter<ConsumeContext<T>>
        where T : class
    {
        public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
        {
            try
            {
                await next.Send(context);
                if (commits.TakeFailure())
                    throw new DbUpdateException("test: the commit failed");
                await db.SaveChangesAsync(context.CancellationToken);
                afterCommit.Run();
                transactions.End(context.MessageId, null);
            }
            catch (Exception e)
            {
                transactions.End(context.MessageId, e);
                throw;
            }
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("saga-transaction");
    }
}
