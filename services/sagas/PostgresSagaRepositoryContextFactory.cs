using System.Data;
using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Agents.Sagas.Postgres;

/// <summary>
/// Our saga repository on EF Core and Npgsql (MassTransit.EntityFrameworkCore is not available). Per message:
/// a fresh DbContext, a READ COMMITTED transaction, the saga row loaded with SELECT … FOR UPDATE, commit after
/// the state machine ran. Two instances racing on a new key both find no row (PostgreSQL cannot lock a row that
/// does not exist yet); the primary key lets one INSERT win, the loser's 23505 rolls back and the endpoint's
/// retry runs the message again, this time finding the row and waiting on its lock.
/// </summary>
public sealed class PostgresSagaRepositoryContextFactory<TDbContext, TSaga>(
    IDbContextFactory<TDbContext> dbContextFactory,
    ISagaConsumeContextFactory<DbContext, TSaga> consumeContextFactory) :
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
        await using var db = await BeginAsync(context.CancellationToken);
        await using var tx = db.Database.CurrentTransaction!;
        using var repositoryContext = new PostgresSagaRepositoryContext<TSaga, T>(db, context, consumeContextFactory);
        await next.Send(repositoryContext);
        await tx.CommitAsync(context.CancellationToken);
        repositoryContext.AfterCommit.Run();
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        await using var db = await BeginAsync(context.CancellationToken);
        await using var tx = db.Database.CurrentTransaction!;
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
        repositoryContext.AfterCommit.Run();
    }

    /// <summary>
    /// A fresh context in a READ COMMITTED transaction (FOR UPDATE is all the isolation the saga needs). Without EF's
    /// automatic savepoints: a failed statement fails the whole message, which the endpoint's retry runs again from
    /// the start, so a savepoint around each SaveChanges would only cost two round trips per message.
    /// </summary>
    private async Task<TDbContext> BeginAsync(CancellationToken cancellationToken)
    {
        var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        try
        {
            db.Database.AutoSavepointsEnabled = false;
            await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            return db;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteReadOnly(ctx => asyncMethod(ctx), cancellationToken);

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteReadOnly(ctx => asyncMethod(ctx), cancellationToken);

    private async Task<T> ExecuteReadOnly<T>(Func<PostgresSagaReadContext<TSaga>, Task<T>> method, CancellationToken cancellationToken)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        return await method(new PostgresSagaReadContext<TSaga>(db, cancellationToken));
    }
}
