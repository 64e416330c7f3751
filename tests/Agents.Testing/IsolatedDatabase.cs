using Npgsql;

namespace Agents.Testing;

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
