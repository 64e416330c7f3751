using Agents.Classifier.Persistence;
using Npgsql;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

[TestFixture]
public class ClassifierDataSourceTests
{
    [Test]
    public async Task The_hot_path_prepares_its_statements_and_keeps_them_across_pooled_uses()
    {
        await using var dataSource = new ClassifierDataSource("Host=db;Username=u;Password=p");
        var settings = new NpgsqlConnectionStringBuilder(dataSource.Source.ConnectionString);
        Assert.Multiple(() =>
        {
            Assert.That(settings.MaxAutoPrepare, Is.GreaterThan(0), "its statements planned once per connection");
            Assert.That(settings.NoResetOnClose, Is.True, "a DISCARD ALL on return would drop them");
        });
    }
}
