using System.Data.Common;
using Npgsql;

namespace Agents.ServiceDefaults;

/// <summary>
/// Connection settings for a service whose hot path is a fixed handful of statements (the writer's saga row, audit
/// and journal; the classifier's cache, step log, history and handled deliveries). PostgreSQL spent more time parsing
/// and planning them than running them: with Npgsql's automatic preparation each is planned once per connection (the
/// saga bench's proposals held per second more than doubled). Pooled connections are not reset, since DISCARD ALL
/// would drop the prepared statements; these services keep no session state (the writer's sweeper lock is
/// transaction-scoped). A setting already in the connection string wins, so <c>Max Auto Prepare=0</c> turns this off
/// (PgBouncer in transaction mode before 1.21). Ingest's pool uses it too, with its duplicate lookup written so that
/// a generic plan made when the table was small stays an index probe (<c>IngestDataSource</c>).
/// </summary>
public static class PreparedStatementConnections
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
