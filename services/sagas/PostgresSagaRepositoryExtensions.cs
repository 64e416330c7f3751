using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agents.Sagas.Postgres;

public static class PostgresSagaRepositoryExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresSagaRepositoryContextFactory{TDbContext,TSaga}"/> for a saga, on the scoped
    /// <typeparamref name="TDbContext"/> the application registers (one per message scope), with its
    /// <see cref="AfterCommit"/>.
    /// </summary>
    public static ISagaRegistrationConfigurator<TSaga> PostgresRepository<TSaga, TDbContext>(this ISagaRegistrationConfigurator<TSaga> saga)
        where TSaga : class, ISaga
        where TDbContext : DbContext =>
        saga.Repository(r =>
        {
            r.TryAddScoped<AfterCommit>();
            r.TryAddScoped<SagaBatchTransaction>();
            r.RegisterLoadSagaRepository<TSaga, PostgresSagaRepositoryContextFactory<TDbContext, TSaga>>();
            r.RegisterQuerySagaRepository<TSaga, PostgresSagaRepositoryContextFactory<TDbContext, TSaga>>();
            r.RegisterSagaRepository<TSaga, DbContext, SagaConsumeContextFactory<DbContext, TSaga>,
                PostgresSagaRepositoryContextFactory<TDbContext, TSaga>>();
        });
}
