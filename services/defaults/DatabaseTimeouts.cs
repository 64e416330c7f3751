using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Agents.ServiceDefaults;

/// <summary>
/// PostgreSQL's own limits on every session of every service, bound from the <c>Database</c> section and passed as
/// start-up options of each connection (<c>Options=-c lock_timeout=…</c>), so they hold whatever code opens the
/// connection: a writer cut off from its database (a partition, a hung process) cannot keep its <c>FOR UPDATE</c> row
/// locks for longer than <see cref="IdleInTransactionTimeout"/>, a statement waiting for a lock gives up after
/// <see cref="LockTimeout"/> (and is retried), and a runaway statement stops after <see cref="StatementTimeout"/>.
/// Zero turns one off; a setting the connection string's <c>Options</c> already has wins.
/// </summary>
public sealed class DatabaseTimeouts
{
    public const string Section = "Database";

    /// <summary>Npgsql's own command timeout: the server stops when the client stops waiting.</summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Our row locks are held for milliseconds; a wait this long means another session is stuck.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longer than anything we do inside a transaction (the classifier's LLM call of up to 20 s, a 429 retried once),
    /// short enough that a lost session's locks are back within a minute.
    /// </summary>
    public TimeSpan IdleInTransactionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary><paramref name="connectionString"/> with these limits among its start-up options.</summary>
    public string ApplyTo(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var options = builder.Options ?? "";
        foreach (var (name, value) in Settings())
        {
            if (value > TimeSpan.Zero && !Names(name).IsMatch(options))
                options = string.Create(CultureInfo.InvariantCulture, $"{options} -c {name}={(long)value.TotalMilliseconds}").Trim();
        }
        builder.Options = options.Length == 0 ? null : options;
        return builder.ConnectionString;
    }

    private IEnumerable<(string Name, TimeSpan Value)> Settings() =>
    [
        ("statement_timeout", StatementTimeout),
        ("lock_timeout", LockTimeout),
        ("idle_in_transaction_session_timeout", IdleInTransactionTimeout),
    ];

    // The whole name, so deadlock_timeout is not taken for lock_timeout.
    private static Regex Names(string name) => new($@"(?<![A-Za-z_]){name}\s*=", RegexOptions.CultureInvariant);

    /// <summary>
    /// Rewrites <c>ConnectionStrings:Db</c> in the configuration with <see cref="ApplyTo"/>, so every service, and
    /// everything in it that reads the connection string, gets the limits.
    /// </summary>
    public static void Apply(WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Db");
        if (string.IsNullOrWhiteSpace(connectionString))
            return;
        var timeouts = builder.Configuration.GetSection(Section).Get<DatabaseTimeouts>() ?? new DatabaseTimeouts();
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("ConnectionStrings:Db", timeouts.ApplyTo(connectionString))]);
    }
}
