using MassTransit;
using MassTransit.Middleware;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Agents.Sagas.Postgres;

/// <summary>Read-only access (no locks) behind ILoadSagaRepository / IQuerySagaRepository.</summary>
public sealed class PostgresSagaReadContext<TSaga>(DbContext db, CancellationToken cancellationToken) :
    BasePipeContext(cancellationToken),
    QuerySagaRepositoryContext<TSaga>,
    LoadSagaRepositoryContext<TSaga>
    where TSaga : class, ISaga
{
    public Task<TSaga> Load(Guid correlationId) =>
        db.Set<TSaga>().AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, CancellationToken)!;

    public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken)
    {
        var ids = await db.Set<TSaga>().AsNoTracking().Where(query.FilterExpression)
            .Select(x => x.CorrelationId).ToListAsync(cancellationToken);
        return new DefaultSagaRepositoryQueryContext<TSaga>(this, ids);
    }
}
