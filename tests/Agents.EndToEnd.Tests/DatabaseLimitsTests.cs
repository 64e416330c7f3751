using Agents.Classifier;
using Agents.Classifier.Persistence;
using Agents.Harness;
using Agents.Ingest;
using Agents.Ingest.Persistence;
using Agents.ServiceDefaults;
using Agents.Writer;
using Agents.Writer.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// PostgreSQL's limits (statement, lock wait, idle in transaction) on the sessions each service really opens, through
/// each of its ways in (EF contexts, plain Npgsql data sources), after its migrations ran, as shipped.
/// </summary>
[TestFixture]
public class DatabaseLimitsTests
{
    private static readonly Dictionary<string, string> Shipped = new()
    {
        ["statement_timeout"] = "30000",
        ["lock_timeout"] = "10000",
        ["idle_in_transaction_session_timeout"] = "60000",
    };

    [Test]
    public async Task Every_session_of_every_service_has_the_shipped_limits()
    {
        await using var database = await IsolatedDatabase.CreateAsync();
        var services = new (string Name, WebApplication App, Func<IServiceProvider, Task> Migrate)[]
        {
            ("writer", WriterService.Build([], database.Settings), sp => DatabaseMigration.MigrateAsync<WriterDbContext>(sp)),
            ("classifier", ClassifierService.Build([], database.Settings), sp => DatabaseMigration.MigrateAsync<ClassifierDbContext>(sp)),
            ("ingest", IngestService.Build([], database.Settings), sp => DatabaseMigration.MigrateAsync<IngestDbContext>(sp)),
        };
        try
        {
            var sessions = new Dictionary<string, IReadOnlyDictionary<string, string>>();
            foreach (var (name, app, migrate) in services)
            {
                // Migrations lift the limits for their own session; the pooled session must get them back.
                await migrate(app.Services);
                await using var scope = app.Services.CreateAsyncScope();
                var sp = scope.ServiceProvider;
                switch (name)
                {
                    case "writer":
                        await using (var db = await sp.GetRequiredService<IDbContextFactory<WriterDbContext>>().CreateDbContextAsync())
                            sessions["writer: saga repository context"] = await LimitsAsync(db);
                        break;
                    case "classifier":
                        sessions["classifier: cache data source"] = await LimitsAsync(sp.GetRequiredService<ClassifierDataSource>().Source);
                        sessions["classifier: context"] = await LimitsAsync(sp.GetRequiredService<ClassifierDbContext>());
                        break;
                    case "ingest":
                        sessions["ingest: delivery data source"] = await LimitsAsync(sp.GetRequiredService<IngestDataSource>().Source);
                        sessions["ingest: context"] = await LimitsAsync(sp.GetRequiredService<IngestDbContext>());
                        break;
                }
            }
            Assert.Multiple(() =>
            {
                foreach (var (session, limits) in sessions)
                    Assert.That(limits, Is.EquivalentTo(Shipped), session);
            });
        }
        finally
        {
            foreach (var (_, app, _) in services)
                await app.DisposeAsync();
        }
    }

    private static async Task<IReadOnlyDictionary<string, string>> LimitsAsync(DbContext db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            return await LimitsAsync((NpgsqlConnection)db.Database.GetDbConnection());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<IReadOnlyDictionary<string, string>> LimitsAsync(NpgsqlDataSource source)
    {
        await using var connection = await source.OpenConnectionAsync();
        return await LimitsAsync(connection);
    }

    private static async Task<IReadOnlyDictionary<string, string>> LimitsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT name, setting FROM pg_settings WHERE name = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Shipped.Keys.ToArray() });
        var limits = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            limits[reader.GetString(0)] = reader.GetString(1);
        return limits;
    }
}
