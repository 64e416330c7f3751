using Npgsql;
using NUnit.Framework;

namespace Agents.ServiceDefaults.Tests;

[TestFixture]
public class PreparedStatementConnectionsTests
{
    [Test]
    public void Prepares_statements_and_skips_the_reset_unless_the_connection_string_says_otherwise()
    {
        var tuned = new NpgsqlConnectionStringBuilder(PreparedStatementConnections.Tune("Host=db;Username=u;Password=p"));
        Assert.Multiple(() =>
        {
            Assert.That(tuned.MaxAutoPrepare, Is.EqualTo(64));
            Assert.That(tuned.NoResetOnClose, Is.True);
            Assert.That(tuned.Host, Is.EqualTo("db"));
            Assert.That(tuned.Password, Is.EqualTo("p"));
        });

        // Behind PgBouncer in transaction mode an operator turns preparation off in the connection string.
        var given = new NpgsqlConnectionStringBuilder(PreparedStatementConnections.Tune("Host=db;Max Auto Prepare=0;NoResetOnClose=false"));
        Assert.Multiple(() =>
        {
            Assert.That(given.MaxAutoPrepare, Is.Zero);
            Assert.That(given.NoResetOnClose, Is.False);
        });
    }
}
