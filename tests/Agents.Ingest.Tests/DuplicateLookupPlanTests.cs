using Agents.Ingest.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// The duplicate lookup runs for every webhook, so it is worth preparing; a prepared statement may settle on one
/// generic plan and keep it while the table grows. That plan must probe the key index once per key whatever the table
/// held when it was made: a plan made on a new, empty table that hashes or scans the table would read every remembered
/// delivery (a week of them by default) on each later lookup.
/// </summary>
[TestFixture]
public class DuplicateLookupPlanTests
{
    [Test]
    public async Task The_lookups_generic_plan_made_on_an_empty_table_probes_the_key_index_per_key()
    {
        await using var ingest = await IngestHost.StartAsync();
        var dataSource = ingest.Service.Services.GetRequiredService<IngestDataSource>().Source;
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.That(await ScalarAsync(connection, "SELECT count(*) FROM ingest_deliveries"), Is.EqualTo(0L), "a new deployment's table");

        // What PostgreSQL does once it chose the generic plan for the statement, asked for at once.
        await using var transaction = await connection.BeginTransactionAsync();
        await ScalarAsync(connection, "SET LOCAL plan_cache_mode = force_generic_plan");
        await ScalarAsync(connection, $"PREPARE lookup_plan (text[], text[]) AS {DeliveryStore.LookupSql}");
        var plan = new List<string>();
        await using (var explain = new NpgsqlCommand("EXPLAIN EXECUTE lookup_plan ('{generic,generic}', '{evt-a,payload:b}')", connection))
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                plan.Add(reader.GetString(0));
        await ScalarAsync(connection, "DEALLOCATE lookup_plan");
        var text = string.Join("\n", plan);

        Assert.That(text, Does.Match(@"Index (Only )?Scan using \""PK_ingest_deliveries\"""), text);
        Assert.That(text, Does.Contain("Index Cond").And.Not.Contain("Seq Scan").And.Not.Contain("Hash").And.Not.Contain("Join Filter"), text);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
