using Microsoft.EntityFrameworkCore;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Agents.Classifier.Persistence;

public static class ClassifierPersistence
{
    /// <summary>Npgsql settings the service and the design-time factory share.</summary>
    public static void Npgsql(NpgsqlDbContextOptionsBuilder o) => o.MigrationsHistoryTable(ClassifierDbContext.MigrationsHistoryTable);

    public static IServiceCollection AddClassifierPersistence(this IServiceCollection services, string connectionString)
    {
        services.AddDbContextFactory<ClassifierDbContext>(o => o.UseNpgsql(connectionString, Npgsql));
        services.AddDbContext<ClassifierDbContext>(o => o.UseNpgsql(connectionString, Npgsql), optionsLifetime: ServiceLifetime.Singleton);
        services.AddSingleton(new ClassifierDataSource(connectionString));
        services.AddSingleton<IClassificationCache, PostgresClassificationCache>();
        services.AddSingleton<IStepLog, PostgresStepLog>();
        services.AddSingleton<HandledDeliveries>();
        services.AddSingleton<History.ITicketHistory, History.PostgresTicketHistory>();
        return services;
    }
}
