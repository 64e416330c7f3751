using Npgsql;

namespace Agents.Harness;

/// <summary>A PostgreSQL database of its own for one test, dropped afterwards.</summary>
public sealed class IsolatedDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private IsolatedDatabase(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Db"] = ConnectionString,
    };

    public static async Task<IsolatedDatabase> CreateAsync()
    {
        var db = await ReserveAsync();
        await db.AdminAsync($"CREATE DATABASE \"{db.Name}\"");
        return db;
    }

    /// <summary>A unique name that does not exist yet (for code that must create its database); dropped afterwards.</summary>
    public static async Task<IsolatedDatabase> ReserveAsync()
    {
        var servers = await TestServers.GetAsync();
        return new IsolatedDatabase(servers.PostgresAdminConnectionString, "t_" + Guid.NewGuid().ToString("N")[..12]);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every row of every table of every schema, as text, one row a line (bytea as its printable bytes): for tests
    /// that prove what no table holds.
    /// </summary>
    public async Task<string> DumpAsTextAsync()
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        var columns = new List<(string Table, string Column, string Type)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT format('%I.%I', c.table_schema, c.table_name), quote_ident(c.column_name), c.data_type
            FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
            ORDER BY 1, c.ordinal_position
            """, conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));

        var dump = new System.Text.StringBuilder();
        foreach (var table in columns.GroupBy(c => c.Table))
        {
            var values = table.Select(c => c.Type == "bytea" ? $"coalesce(encode({c.Column}, 'escape'), '')" : $"coalesce({c.Column}::text, '')");
            await using var cmd = new NpgsqlCommand($"SELECT concat_ws(' | ', {string.Join(", ", values)}) FROM {table.Key}", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                dump.Append(table.Key).Append(": ").AppendLine(reader.GetString(0));
        }
        return dump.ToString();
    }

    private async Task AdminAsync(string sql)
    {
        var csb = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(csb.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }
}
