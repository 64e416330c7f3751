using Npgsql;

namespace Agents.Launcher;

/// <summary>Command line of the launcher executable into <see cref="SystemLaunchOptions"/>.</summary>
public static class LauncherArguments
{
    public const string Usage = """
        usage: launcher [--ingest N] [--classifier N] [--writer N] [--rabbitmq-host H] [--rabbitmq-port P] [--vhost V]
                        [--postgres CONNECTION_STRING] [--logs DIR] [--set Section__Key=value ...]
        Defaults: 1 of each, RabbitMQ 127.0.0.1:5672 vhost /, PostgreSQL Host=127.0.0.1;Port=5432;Database=agents,
        the generic webhook secret and approver token of scripts/run (AGENTS_WEBHOOK_SECRET, AGENTS_APPROVER_TOKEN).
        """;

    public static SystemLaunchOptions? Parse(string[] args)
    {
        var counts = new Dictionary<string, int> { ["--ingest"] = 1, ["--classifier"] = 1, ["--writer"] = 1 };
        string rabbitHost = "127.0.0.1", rabbitPort = "5672", vhost = "/";
        var postgres = "Host=127.0.0.1;Port=5432;Database=agents;Username=postgres;Password=postgres";
        var logs = Path.Combine(Path.GetTempPath(), "agents-launcher", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
        var extra = new Dictionary<string, string?>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (value is null)
                return null;
            switch (args[i])
            {
                case "--ingest" or "--classifier" or "--writer":
                    if (!int.TryParse(value, out var n) || n < 0)
                        return null;
                    counts[args[i]] = n;
                    break;
                case "--rabbitmq-host": rabbitHost = value; break;
                case "--rabbitmq-port": rabbitPort = value; break;
                case "--vhost": vhost = value; break;
                case "--postgres": postgres = value; break;
                case "--logs": logs = value; break;
                case "--set":
                    var eq = value.IndexOf('=');
                    if (eq <= 0)
                        return null;
                    extra[value[..eq]] = value[(eq + 1)..];
                    break;
                default:
                    return null;
            }
            i++;
        }
        // A connection string without a database would land in "postgres": name the default one.
        var csb = new NpgsqlConnectionStringBuilder(postgres);
        if (string.IsNullOrEmpty(csb.Database))
            csb.Database = "agents";

        var common = new Dictionary<string, string?>
        {
            ["RabbitMq__Host"] = rabbitHost,
            ["RabbitMq__Port"] = rabbitPort,
            ["RabbitMq__VirtualHost"] = vhost,
            ["ConnectionStrings__Db"] = csb.ConnectionString,
            ["Ingest__Sources__generic__Secret"] = Environment.GetEnvironmentVariable("AGENTS_WEBHOOK_SECRET") ?? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            ["Approvers__0__Name"] = "demo",
            ["Approvers__0__Token"] = Environment.GetEnvironmentVariable("AGENTS_APPROVER_TOKEN") ?? "demo-approver-token",
        };
        foreach (var (key, value) in extra)
            common[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return new SystemLaunchOptions
        {
            Ingest = counts["--ingest"],
            Classifier = counts["--classifier"],
            Writer = counts["--writer"],
            Common = common,
            LogDirectory = logs,
        };
    }
}
