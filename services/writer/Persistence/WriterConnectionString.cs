using System.Data.Common;
using Npgsql;

namespace Agents.Writer.Persistence;

/// <summary>
/// The writer's connection settings. Its statements are a fixed handful (the saga row's lock, insert and update,
/// audit and journal rows), and PostgreSQL spent more time parsing and planning them than running them: with
/// Npgsql's automatic preparation each is planned once per connection (the saga bench's proposals held per second
/// more than doubled). Pooled connections are not reset, since DISCARD ALL would drop the prepared statements; the
/// writer keeps no session state (the sweeper's lock is transaction-scoped). A setting already in the connection
/// string wins, so <c>Max Auto Prepare=0</c> turns this off (PgBouncer in transaction mode before 1.21).
/// </summary>
public static class WriterConnectionString
{
    public static string Tune(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var tuned = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Given(given, "Max Auto Prepare", "MaxAutoPrepare"))
            tuned.MaxAutoPrepare = 64;
        if (!Given(given, "Auto Prepare Min Usages", "AutoPrepareMinUsages"))
            tuned.AutoPrepareMinUsages = 2;
        if (!Given(given, "No Reset On Close", "NoResetOnClose"))
            tuned.NoResetOnClose = true;
        return tuned.ConnectionString;
    }

    private static bool Given(DbConnectionStringBuilder given, params string[] keywords) => keywords.Any(given.ContainsKey);
}
