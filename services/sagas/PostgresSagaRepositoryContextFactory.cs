using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Agents.Sagas.Postgres;

/// <summary>
/// Our saga repository on EF Core and Npgsql (MassTransit.EntityFrameworkCore is not available). Per message: the
/// message scope's DbContext (the one activities resolve too, so their rows commit with the saga), a READ COMMITTED
/// transaction, the saga row loaded with SELECT … FOR UPDATE, commit after the state machine ran, then what waited
/// for the commit (<see cref="AfterCommit"/>). Two instances racing on a new key both find no row (PostgreSQL cannot
/// lock a row that does not exist yet); the primary key lets one INSERT win, the loser's 23505 rolls back and the
/// endpoint's retry runs the message again, in a new scope with a new DbContext, this time finding the row and waiting
/// on its lock. A message type with an <see cref="ISagaReadAhead{TMessage}"/> in the scope sends that read in the same
/// round trip as the lock, and a new instance's INSERT (with the rows activities added) goes with the COMMIT: a
/// proposal is held in two round trips, not three. Inside a <see cref="SagaBatchTransaction"/> a message runs in that
/// transaction and its changes wait for that commit.
/// </summary>
public sealed class PostgresSagaRepositoryContextFactory<TDbContext, TSaga>(
    TDbContext db,
    AfterCommit afterCommit,
    SagaBatchTransaction batch,
    ISagaConsumeContextFactory<DbContext, TSaga> consumeContextFactory,
    IServiceProvider services) :
    ISagaRepositoryContextFactory<TSaga>,
    IQuerySagaRepositoryContextFactory<TSaga>,
    ILoadSagaRepositoryContextFactory<TSaga>
    where TDbContext : DbContext
    where TSaga : class, ISaga
{
    public void Probe(ProbeContext context)
    {
        context.Add("persistence", "postgresql");
        context.Add("locking", "select-for-update");
    }

    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        using var repositoryContext = new PostgresSagaRepositoryContext<TSaga, T>(db, context, consumeContextFactory,
            services.GetService(typeof(ISagaReadAhead<T>)) as ISagaReadAhead<T>, insertAtCommit: true);
        if (batch.Current is not null)
        {
            // One of several messages in the scope's one transaction: its changes commit with the others'.
            await next.Send(repositoryContext);
            return;
        }
        await using var tx = await SagaTransactions.BeginAsync(db, afterCommit, context.CancellationToken);
        await next.Send(repositoryContext);
        await repositoryContext.SaveAndCommitAsync(tx);
        afterCommit.Run();
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        if (batch.Current is not null)
            throw new NotSupportedException("A message correlated by a query locks and saves instance by instance: it cannot join a SagaBatchTransaction.");
        await using var tx = await SagaTransactions.BeginAsync(db, afterCommit, context.CancellationToken);
        using var repositoryContext = new PostgresSagaRepositoryContext<TSaga, T>(db, context, consumeContextFactory);

        var ids = await db.Set<TSaga>().AsNoTracking().Where(query.FilterExpression)
            .OrderBy(x => x.CorrelationId) // a fixed lock order keeps two queries from deadlocking
            .Select(x => x.CorrelationId).ToListAsync(context.CancellationToken);
        var instances = new List<TSaga>(ids.Count);
        foreach (var id in ids)
        {
            var instance = await repositoryContext.LockAsync(id);
            if (instance is not null)
                instances.Add(instance);
        }

        await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
        await tx.CommitAsync(context.CancellationToken);
        afterCommit.Run();
    }

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new PostgresSagaReadContext<TSaga>(db, cancellationToken));

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new PostgresSagaReadContext<TSaga>(db, cancellationToken));
}
