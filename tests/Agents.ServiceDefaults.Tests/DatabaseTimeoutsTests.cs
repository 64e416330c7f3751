using System.Diagnostics;
using Agents.Harness;
using Agents.ServiceDefaults.Redelivery;
using Npgsql;

namespace Agents.ServiceDefaults.Tests;

/// <summary>PostgreSQL's limits on every session: what goes into the connection string, and that the server enforces them.</summary>
public class DatabaseTimeoutsTests
{
    [Test]
    public void The_limits_go_into_the_start_up_options_unless_the_connection_string_sets_them()
    {
        var shipped = new NpgsqlConnectionStringBuilder(new DatabaseTimeouts().ApplyTo("Host=db;Username=u;Password=p"));
        var given = new NpgsqlConnectionStringBuilder(new DatabaseTimeouts().ApplyTo(
            "Host=db;Options=-c statement_timeout=0 -c deadlock_timeout=2s"));
        var off = new NpgsqlConnectionStringBuilder(new DatabaseTimeouts
        {
            StatementTimeout = TimeSpan.Zero, LockTimeout = TimeSpan.Zero, IdleInTransactionTimeout = TimeSpan.Zero,
        }.ApplyTo("Host=db"));
        Assert.Multiple(() =>
        {
            Assert.That(shipped.Options, Is.EqualTo("-c statement_timeout=30000 -c lock_timeout=10000 -c idle_in_transaction_session_timeout=60000"));
            Assert.That(shipped.Password, Is.EqualTo("p"));
            Assert.That(given.Options, Is.EqualTo("-c statement_timeout=0 -c deadlock_timeout=2s -c lock_timeout=10000 -c idle_in_transaction_session_timeout=60000"),
                "statement_timeout as given; deadlock_timeout is not lock_timeout");
            Assert.That(off.Options, Is.Null);
        });
    }

    [Test]
    public async Task A_transaction_left_idle_is_cut_and_its_row_locks_are_released()
    {
        await using var db = await RowsAsync();
        var limited = new DatabaseTimeouts { IdleInTransactionTimeout = TimeSpan.FromSeconds(1) }.ApplyTo(db.ConnectionString);
        await using var stuck = await OpenAsync(limited);
        await using var tx = await stuck.BeginTransactionAsync();
        await ExecuteAsync(stuck, "SELECT id FROM t WHERE id = 1 FOR UPDATE");

        // Like a writer cut off from its database: it holds the lock and says nothing more.
        await Task.Delay(TimeSpan.FromSeconds(3));

        await using var other = await OpenAsync(db.ConnectionString);
        await ExecuteAsync(other, "SELECT id FROM t WHERE id = 1 FOR UPDATE NOWAIT");
        var cut = await Assert.CatchAsync(() => ExecuteAsync(stuck, "SELECT 1"));
        Assert.That(TransientFailures.IsTransient(cut!), Is.True, $"the cut session's next command fails transiently: {cut}");
    }

    [Test]
    public async Task A_statement_waiting_for_a_lock_gives_up_after_the_lock_timeout()
    {
        await using var db = await RowsAsync();
        await using var holder = await OpenAsync(db.ConnectionString);
        await using var tx = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, "SELECT id FROM t WHERE id = 1 FOR UPDATE");

        await using var waiter = await OpenAsync(new DatabaseTimeouts { LockTimeout = TimeSpan.FromSeconds(1) }.ApplyTo(db.ConnectionString));
        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(waiter, "SELECT id FROM t WHERE id = 1 FOR UPDATE"));
        Assert.Multiple(() =>
        {
            Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.LockNotAvailable));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(8)), "gave up instead of waiting for the holder");
            Assert.That(TransientFailures.IsTransient(refused), Is.True);
        });
    }

    [Test]
    public async Task A_runaway_statement_is_stopped_by_the_server()
    {
        await using var db = await IsolatedDatabase.CreateAsync();
        await using var connection = await OpenAsync(new DatabaseTimeouts { StatementTimeout = TimeSpan.FromSeconds(1) }.ApplyTo(db.ConnectionString));
        var clock = Stopwatch.StartNew();
        var stopped = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, "SELECT pg_sleep(20)"));
        Assert.Multiple(() =>
        {
            Assert.That(stopped!.SqlState, Is.EqualTo(PostgresErrorCodes.QueryCanceled));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
            Assert.That(TransientFailures.IsTransient(stopped), Is.True);
        });
    }

    private static async Task<IsolatedDatabase> RowsAsync()
    {
        var db = await IsolatedDatabase.CreateAsync();
        await using var connection = await OpenAsync(db.ConnectionString);
        await ExecuteAsync(connection, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
        return db;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        // Unpooled: each test's sessions are its own, and a cut one is not handed to the next.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
