using Agents.Harness;
using Agents.ServiceDefaults;
using Agents.Writer;
using Agents.Writer.Persistence;
using Microsoft.EntityFrameworkCore;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>Several instances starting at once on a database that does not exist yet: one migrates, all start.</summary>
[TestFixture]
public class MigrationTests
{
    [Test]
    public async Task Concurrent_instances_create_and_migrate_the_database_once()
    {
        // A database that does not exist yet: the first instance must create it, the others must not trip over that.
        await using var database = await IsolatedDatabase.ReserveAsync();
        var apps = Enumerable.Range(0, 4).Select(_ => WriterService.Build([], database.Settings)).ToList();
        try
        {
            await Task.WhenAll(apps.Select(a => DatabaseMigration.MigrateAsync<WriterDbContext>(a.Services)));
            var applied = await database.ScalarAsync<long>("SELECT count(*) FROM \"__EFMigrationsHistory\"");
            var expected = new WriterDbContextDesignFactory().CreateDbContext([]).Database.GetMigrations().Count();
            Assert.That(applied, Is.EqualTo(expected));
            Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM write_approvals"), Is.Zero);
        }
        finally
        {
            foreach (var app in apps)
                await app.DisposeAsync();
        }
    }
}
