using System.CommandLine;
using System.Globalization;
using Npgsql;

namespace Agents.Launcher;

/// <summary>
/// The launcher's command line (System.CommandLine: parsing, checks, help, completions) into
/// <see cref="SystemLaunchOptions"/>. Defaults: one instance of each service, RabbitMQ 127.0.0.1:5672 vhost /,
/// PostgreSQL 127.0.0.1:5432 database agents, and the demo webhook secret and tokens of scripts/run
/// (AGENTS_WEBHOOK_SECRET, AGENTS_APPROVER_TOKEN, AGENTS_OPERATOR_TOKEN override them).
/// </summary>
public sealed class LauncherCommand
{
    private readonly Option<int> _ingest = Count("--ingest");
    private readonly Option<int> _classifier = Count("--classifier");
    private readonly Option<int> _writer = Count("--writer");
    private readonly Option<string> _rabbitHost = new("--rabbitmq-host") { HelpName = "H", DefaultValueFactory = _ => "127.0.0.1", Description = "RabbitMQ's host" };

    private readonly Option<int> _rabbitPort = new("--rabbitmq-port")
    {
        HelpName = "P",
        DefaultValueFactory = _ => 5672,
        Description = "RabbitMQ's AMQP port",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
                return port;
            result.AddError($"--rabbitmq-port takes a port number (1-65535), not '{text}'.");
            return 0;
        },
    };

    private readonly Option<string> _vhost = new("--vhost") { HelpName = "V", DefaultValueFactory = _ => "/", Description = "RabbitMQ virtual host" };

    private readonly Option<string> _postgres = new("--postgres")
    {
        HelpName = "CONNECTION_STRING",
        DefaultValueFactory = _ => "Host=127.0.0.1;Port=5432;Database=agents;Username=postgres;Password=postgres",
        Description = "PostgreSQL (a connection string without a database gets 'agents')",
    };

    private readonly Option<string> _logs = new("--logs")
    {
        HelpName = "DIR",
        DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "agents-launcher", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)),
        Description = "folder for the instances' log files",
    };

    private readonly Option<string[]> _set = new("--set")
    {
        HelpName = "Section__Key=value",
        Description = "a setting for every instance (repeat for more)",
    };

    private LauncherCommand()
    {
    }

    /// <summary>The launcher's root command; <paramref name="run"/> gets the parsed options.</summary>
    public static RootCommand Create(Func<SystemLaunchOptions, CancellationToken, Task<int>> run)
    {
        var line = new LauncherCommand();
        var root = new RootCommand("Starts N instances per service as separate processes, prints their URLs and log files, and stops them all on Ctrl+C or SIGTERM.");
        foreach (var option in new Option[] { line._ingest, line._classifier, line._writer, line._rabbitHost, line._rabbitPort, line._vhost, line._postgres, line._logs, line._set })
            root.Options.Add(option);
        line._set.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.IndexOf('=') <= 0))
                result.AddError($"--set takes Section__Key=value, not '{token.Value}'.");
        });
        root.SetAction((result, cancellationToken) => run(line.Options(result), cancellationToken));
        return root;
    }

    private static Option<int> Count(string name) => new(name)
    {
        HelpName = "N",
        DefaultValueFactory = _ => 1,
        Description = $"{name[2..]} instances (0 or more)",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                return n;
            result.AddError($"{name} takes a whole number from 0, not '{text}'.");
            return 0;
        },
    };

    private SystemLaunchOptions Options(ParseResult result)
    {
        // A connection string without a database would land in "postgres": name the default one.
        var csb = new NpgsqlConnectionStringBuilder(result.GetRequiredValue(_postgres));
        if (string.IsNullOrEmpty(csb.Database))
            csb.Database = "agents";

        var operatorToken = Environment.GetEnvironmentVariable("AGENTS_OPERATOR_TOKEN") ?? "demo-operator-token";
        var common = new Dictionary<string, string?>
        {
            ["RabbitMq__Host"] = result.GetRequiredValue(_rabbitHost),
            ["RabbitMq__Port"] = result.GetValue(_rabbitPort).ToString(CultureInfo.InvariantCulture),
            ["RabbitMq__VirtualHost"] = result.GetRequiredValue(_vhost),
            ["ConnectionStrings__Db"] = csb.ConnectionString,
            // Demo values, as scripts/run sets them.
            ["Ingest__Sources__generic__Secret"] = Environment.GetEnvironmentVariable("AGENTS_WEBHOOK_SECRET") ?? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            ["Approvers__0__Name"] = "demo",
            ["Approvers__0__Token"] = Environment.GetEnvironmentVariable("AGENTS_APPROVER_TOKEN") ?? "demo-approver-token",
            ["Ingest__Operators__0__Name"] = "demo",
            ["Ingest__Operators__0__Token"] = operatorToken,
            ["Classifier__Operators__0__Name"] = "demo",
            ["Classifier__Operators__0__Token"] = operatorToken,
        };
        foreach (var setting in result.GetValue(_set) ?? [])
        {
            var eq = setting.IndexOf('=');
            common[setting[..eq].Replace(":", "__", StringComparison.Ordinal)] = setting[(eq + 1)..];
        }
        return new SystemLaunchOptions
        {
            Ingest = result.GetValue(_ingest),
            Classifier = result.GetValue(_classifier),
            Writer = result.GetValue(_writer),
            Common = common,
            LogDirectory = result.GetRequiredValue(_logs),
        };
    }
}
