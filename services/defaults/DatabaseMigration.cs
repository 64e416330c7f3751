using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Agents.ServiceDefaults;

public static class DatabaseMigration
{
    /// <summary>
    /// Applies EF Core migrations under a PostgreSQL advisory lock, so several instances starting together run
    /// them once and the others wait, then find nothing to do. Creates the database when it does not exist.
    /// </summary>
    public static async Task MigrateAsync<TContext>(IServiceProvider services, CancellationToken cancellationToken = default)
        where TContext : DbContext
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Agents.Migrations");
        var connectionString = db.Database.GetConnectionString()
            ?? throw new InvalidOperationException("ConnectionStrings:Db is not set.");

        await EnsureDatabaseAsync(connectionString, cancellationToken);

        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        // Waiting for another instance's migrations, and a migration itself, may take longer than the limits every
        // session has (DatabaseTimeouts): lifted here, for these two sessions, and put back before they return to the pool.
        await ExecuteAsync(lockConnection, NoLimits, cancellationToken);
        var lockKey = StableLockKey(typeof(TContext).FullName!);
        await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_lock(@k)", lockConnection))
        {
            cmd.Parameters.AddWithValue("k", lockKey);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync(NoLimits, cancellationToken);
            // Npgsql's provider reads the history table without checking that it exists, and logs the failure of
            // that read as an error on every fresh database (npgsql/efcore.pg#3407). Creating it first, with EF's own
            // script, keeps a first start-up free of a false error an operator would chase.
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                logger.LogInformation("Applying {Count} migrations for {Context}: {Migrations}", pending.Count, typeof(TContext).Name, pending);
                await db.Database.MigrateAsync(cancellationToken);
            }
        }
        finally
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync(Limits, CancellationToken.None);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@k)", lockConnection);
                unlock.Parameters.AddWithValue("k", lockKey);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
                await ExecuteAsync(lockConnection, Limits, CancellationToken.None);
            }
        }
    }

    private const string NoLimits = "SET statement_timeout = 0; SET lock_timeout = 0";

    // RESET goes back to the session's start-up value, the one DatabaseTimeouts put in the connection string.
    private const string Limits = "RESET statement_timeout; RESET lock_timeout";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task EnsureDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var database = csb.Database ?? throw new InvalidOperationException("The connection string names no database.");
        csb.Database = "postgres";
        await using var conn = new NpgsqlConnection(csb.ConnectionString);
        await conn.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @d", conn);
        exists.Parameters.AddWithValue("d", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            return;
        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", conn);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another instance created it first.
        }
    }

    private static long StableLockKey(string name)
    {
        // string.GetHashCode is randomized per process; every instance must agree on the key.
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name));
        return BitConverter.ToInt64(hash, 0);
    }
}
