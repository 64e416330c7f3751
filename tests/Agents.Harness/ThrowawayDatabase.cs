using System.Globalization;

namespace Agents.Harness;

/// <summary>
/// A PostgreSQL of the fixture's own, which the fault tests stop and start: one server, or a primary with a
/// synchronous streaming standby (scripts/servers.sh's <c>postgres_pair_start</c>), which a test can promote once
/// the primary is gone. With a standby, the connection string lists both with <c>Target Session Attributes=primary</c>,
/// as a deployment without a proxy in front of its servers does.
/// </summary>
public sealed class ThrowawayDatabase
{
    private readonly string _directory;

    private ThrowawayDatabase(string directory, int primaryPort, int? standbyPort)
    {
        _directory = directory;
        PrimaryPort = primaryPort;
        StandbyPort = standbyPort;
    }

    /// <summary>The server started as the primary (after a failover, the one that is down).</summary>
    public int PrimaryPort { get; }

    public int? StandbyPort { get; }

    private string PrimaryDirectory => StandbyPort is null ? _directory : Path.Combine(_directory, "primary");
    private string StandbyDirectory => Path.Combine(_directory, "standby");

    /// <summary>
    /// fsync off: these data are thrown away, and a fast shutdown still writes everything out. One server: commits
    /// not waited for either. With a standby they are (synchronous_commit on), since that wait is what the pair tests.
    /// </summary>
    private string Options => StandbyPort is null ? "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" : "-c fsync=off";

    /// <remarks>
    /// With a standby, Timeout=15: asking each host whether it is the primary takes a round trip more than connecting,
    /// and a writer that cannot open its first connection in time at start-up exits (seen at 5 s with the machine at a
    /// load average near 60). A lost server refuses at once, so the longer timeout does not slow the failover.
    /// </remarks>
    public string ConnectionString(string database) => StandbyPort is { } standby
        ? $"Host=127.0.0.1:{PrimaryPort},127.0.0.1:{standby};Target Session Attributes=primary;Database={database};Username=postgres;Password=postgres;Timeout=15"
        : $"Host=127.0.0.1;Port={PrimaryPort};Database={database};Username=postgres;Password=postgres;Timeout=5";

    public static async Task<ThrowawayDatabase> StartAsync(string directory, int primaryPort, int? standbyPort)
    {
        var database = new ThrowawayDatabase(directory, primaryPort, standbyPort);
        await ServerScripts.RunAsync(standbyPort is { } standby
            ? $"PG_EXTRA_OPTS='{database.Options}' postgres_pair_start '{directory}' {primaryPort} {standby}"
            : $"PG_EXTRA_OPTS='{database.Options}' postgres_start '{directory}' {primaryPort}", TimeSpan.FromMinutes(2));
        return database;
    }

    /// <summary>Starts the primary again on its port and data.</summary>
    public Task StartAsync() =>
        ServerScripts.RunAsync($"PG_EXTRA_OPTS='{Options}' postgres_start '{PrimaryDirectory}' {PrimaryPort}", TimeSpan.FromMinutes(1));

    /// <summary>
    /// Stops the primary: <c>fast</c> (open connections are cut, in-flight transactions roll back), or <c>immediate</c>
    /// (no shutdown at all, as when its machine is lost).
    /// </summary>
    public Task StopAsync(string mode = "fast") =>
        ServerScripts.RunAsync($"postgres_stop '{PrimaryDirectory}' {mode}", TimeSpan.FromMinutes(1));

    /// <summary>The standby becomes the primary (<c>pg_ctl promote</c>), as an HA manager does once the primary is gone.</summary>
    public Task PromoteStandbyAsync() => ServerScripts.RunAsync($"postgres_promote '{StandbyDirectory}'", TimeSpan.FromMinutes(1));

    /// <summary>Whether the server on <paramref name="port"/> is a standby now (pg_is_in_recovery).</summary>
    public async Task<bool> IsStandbyAsync(int port) =>
        await ServerScripts.RunAsync($"postgres_sql {port.ToString(CultureInfo.InvariantCulture)} 'SELECT pg_is_in_recovery()'", TimeSpan.FromSeconds(30)) == "t";

    /// <summary>Both servers stopped at once; the data goes with the folder.</summary>
    public Task KillAsync() => ServerScripts.RunAsync(StandbyPort is null
        ? $"postgres_stop '{PrimaryDirectory}' immediate"
        : $"postgres_stop '{PrimaryDirectory}' immediate; postgres_stop '{StandbyDirectory}' immediate; true", TimeSpan.FromMinutes(1));
}
