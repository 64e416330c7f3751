using System.Text.RegularExpressions;
using Agents.Harness;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// docker-compose.yml cannot be run here (no Docker engine), so it is validated: the file is valid for
/// docker-compose (with .env.example's demo values), every setting a service needs in a container is set for it,
/// and what it deploys is safe by default: no secret has a default, ports listen on loopback, the dashboard asks
/// for its token.
/// </summary>
[TestFixture]
public partial class ComposeFileTests
{
    private static readonly IReadOnlyList<string> Services = ContainerSettings.Services;

    /// <summary>What an operator must set before compose starts anything (each <c>${VAR:?…}</c> in the file).</summary>
    private static readonly string[] Secrets =
        ["POSTGRES_PASSWORD", "RABBITMQ_PASSWORD", "RABBITMQ_ERLANG_COOKIE", "GENERIC_WEBHOOK_SECRET", "OPERATOR_TOKEN", "APPROVER_TOKEN", "DASHBOARD_TOKEN", "OTLP_API_KEY"];

    private static readonly string ComposeFile = Path.Combine(RepositoryPaths.Root, "docker-compose.yml");
    private static readonly string EnvExample = Path.Combine(RepositoryPaths.Root, ".env.example");

    private string _config = "";

    [OneTimeSetUp]
    public async Task RenderConfig()
    {
        var (exit, output, error) = await RunAsync("docker-compose", "--env-file .env.example -f docker-compose.yml config");
        Assert.That(exit, Is.EqualTo(0), $"docker-compose config failed: {error}");
        _config = output;
    }

    [Test]
    public async Task Compose_file_is_valid()
    {
        var (exit, _, error) = await RunAsync("docker-compose", "--env-file .env.example -f docker-compose.yml config -q");
        Assert.That(exit, Is.EqualTo(0), error);
    }

    [Test]
    public void No_secret_token_or_password_has_a_default()
    {
        var raw = File.ReadAllText(ComposeFile);
        var required = Regex.Matches(raw, @"\$\{(\w+):\?").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.That(required, Is.SupersetOf(Secrets), "each secret is required (${VAR:?…})");
        var defaulted = Regex.Matches(raw, @"\$\{(\w+):?-([^}]+)\}")
            .Where(m => SecretVariable().IsMatch(m.Groups[1].Value))
            .Select(m => m.Value).ToList();
        Assert.That(defaulted, Is.Empty, "a secret with a default value");
        // Every setting that holds a secret takes it from a variable, never written in the file.
        var literal = raw.Split('\n').Select(l => l.Trim())
            .Where(l => SecretSetting().IsMatch(l) && !l.Contains("${", StringComparison.Ordinal) && !l.StartsWith('#'))
            .ToList();
        Assert.That(literal, Is.Empty, "a secret written into the file");
    }

    [Test]
    public async Task Without_its_secrets_compose_refuses_to_start()
    {
        // Each secret is required in the file (the test above); here compose itself is seen refusing.
        var envFile = Path.Combine(Path.GetTempPath(), $"agents-compose-{Guid.NewGuid():N}.env");
        await File.WriteAllTextAsync(envFile, "# nothing set\n");
        try
        {
            var (exit, _, error) = await RunAsync("docker-compose", $"--env-file {envFile} -f docker-compose.yml config -q");
            Assert.That(exit, Is.Not.EqualTo(0), "compose started without its secrets");
            Assert.That(Secrets.Any(s => error.Contains(s, StringComparison.Ordinal)), Is.True, $"the refusal names what to set: {error}");
        }
        finally
        {
            File.Delete(envFile);
        }
    }

    [Test]
    public async Task Published_ports_listen_on_loopback_unless_BIND_ADDRESS_says_otherwise()
    {
        var ports = PublishedPorts(_config);
        Assert.That(ports, Has.Count.EqualTo(4), "RabbitMQ's UI, the dashboard, ingest and writer");
        Assert.That(ports, Is.All.StartsWith("127.0.0.1:"));

        var (exit, everywhere, error) = await RunAsync("docker-compose", "--env-file .env.example -f docker-compose.yml config",
            new Dictionary<string, string> { ["BIND_ADDRESS"] = "0.0.0.0" });
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(PublishedPorts(everywhere), Is.All.StartsWith("0.0.0.0:"), "the operator's choice");
    }

    [Test]
    public void The_dashboard_asks_for_its_token_and_takes_telemetry_only_with_the_key()
    {
        var demo = DemoValues();
        var dashboard = EnvironmentOf("dashboard");
        Assert.That(dashboard.Keys, Has.None.Contains("UNSECURED").IgnoreCase, "no anonymous access");
        Assert.That(dashboard["DASHBOARD__FRONTEND__AUTHMODE"], Is.EqualTo("BrowserToken"));
        Assert.That(dashboard["DASHBOARD__FRONTEND__BROWSERTOKEN"], Is.EqualTo(demo["DASHBOARD_TOKEN"]));
        Assert.That(dashboard["DASHBOARD__OTLP__AUTHMODE"], Is.EqualTo("ApiKey"));
        Assert.That(dashboard["DASHBOARD__OTLP__PRIMARYAPIKEY"], Is.EqualTo(demo["OTLP_API_KEY"]));
        foreach (var service in Services)
            Assert.That(EnvironmentOf(service)["OTEL_EXPORTER_OTLP_HEADERS"], Is.EqualTo("x-otlp-api-key=" + demo["OTLP_API_KEY"]), service);
    }

    [Test]
    public void The_env_example_sets_every_secret_to_a_labelled_demo_value()
    {
        var text = File.ReadAllText(EnvExample);
        Assert.That(text, Does.Contain("DEMO VALUES ONLY"));
        var demo = DemoValues();
        Assert.That(demo.Keys, Is.SupersetOf(Secrets));
        foreach (var secret in Secrets)
        {
            var value = demo[secret];
            var readable = value.StartsWith("whsec_", StringComparison.Ordinal)
                ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value["whsec_".Length..]))
                : value;
            Assert.That(readable, Does.StartWith("demo-only-"), $"{secret} says what it is");
        }
    }

    /// <summary>The variables .env.example sets (commented-out lines aside).</summary>
    private static Dictionary<string, string> DemoValues() => File.ReadAllLines(EnvExample)
        .Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('='))
        .Select(l => l.Split('=', 2))
        .ToDictionary(p => p[0], p => p[1]);

    /// <summary>Every published port mapping of a rendered config (host_ip:published:target/protocol).</summary>
    private static List<string> PublishedPorts(string config) => Regex.Matches(config, @"\n    ports:\n((?:    - .*\n)+)")
        .SelectMany(m => m.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        .Select(l => l.Trim().TrimStart('-').Trim())
        .ToList();

    [TestCaseSource(nameof(Services))]
    public void Service_gets_every_setting_it_needs_in_a_container(string service)
    {
        var environment = EnvironmentOf(service);
        var missing = ContainerSettings.Required(service).Where(k => !environment.ContainsKey(k)).ToList();
        Assert.That(missing, Is.Empty, $"{service} reads these settings but docker-compose.yml does not set them");
        // Container-local defaults (localhost) would point each container at itself.
        Assert.That(environment.Where(e => ContainerSettings.PointsAtThisMachine(e.Value)).Select(e => e.Key), Is.Empty);
    }

    [TestCaseSource(nameof(Services))]
    public void Service_scales_and_waits_for_healthy_servers(string service)
    {
        var block = Block(service);
        Assert.That(block, Does.Not.Contain("container_name"), "a fixed container name prevents --scale");
        Assert.That(block, Does.Contain("dockerfile: services/Dockerfile"));
        Assert.That(Regex.Matches(block, "condition: service_healthy"), Has.Count.EqualTo(2));
        Assert.That(Regex.Match(block, @"published: '?(\d+)'?\n").Success, Is.False,
            "a single published host port cannot be shared by scaled instances: use a range");
    }

    [TestCaseSource(nameof(Services))]
    public void Service_runs_its_queues_as_quorum_queues(string service) =>
        Assert.That(EnvironmentOf(service).GetValueOrDefault("RabbitMq__QueueType"), Is.EqualTo("quorum"));

    [Test]
    public void Servers_have_health_checks()
    {
        Assert.That(Block("rabbitmq"), Does.Contain("healthcheck:"));
        Assert.That(Block("postgres"), Does.Contain("healthcheck:"));
    }

    [Test]
    public void Dockerfile_builds_every_service_project()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "services", "Dockerfile"));
        Assert.That(dockerfile, Does.Contain("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build"));
        Assert.That(dockerfile, Does.Contain("FROM mcr.microsoft.com/dotnet/aspnet:10.0"));
        foreach (var service in Services)
        {
            var args = Regex.Match(Block(service), @"ASSEMBLY: (\S+)").Groups[1].Value;
            Assert.That(File.Exists(Path.Combine(RepositoryPaths.Root, "services", service, args + ".csproj")), $"{service}: {args}.csproj");
        }
    }

    [Test]
    public void Dockerfile_restores_what_its_ReadyToRun_publish_needs()
    {
        // Publishing ReadyToRun with --no-restore fails (NETSDK1094) unless the restore asked for the same architecture
        // and for ReadyToRun: that is where the runtime pack and crossgen of the target come from.
        // Continued lines joined: one instruction per line.
        var lines = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "services", "Dockerfile")).Replace("\\\n", " ").Split('\n');
        var restore = lines.Single(l => l.StartsWith("RUN dotnet restore ", StringComparison.Ordinal));
        var publish = lines.Single(l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(publish, Does.Contain("-p:PublishReadyToRun=true").And.Contain("--no-restore").And.Contain("-a ${TARGETARCH}"));
            Assert.That(restore, Does.Contain("-p:PublishReadyToRun=true").And.Contain("-a ${TARGETARCH}"));
        });
    }

    private Dictionary<string, string> EnvironmentOf(string service, string? config = null)
    {
        var block = "\n" + Block(service, config);
        var env = Regex.Match(block, @"\n    environment:\n((?:      .*\n)+)");
        Assert.That(env.Success, $"{service} has no environment");
        return env.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim().Split(':', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1].Trim() : "");
    }

    /// <summary>The rendered block of one service (two-space indented under services:), of the shipped config or <paramref name="config"/>.</summary>
    private string Block(string service, string? config = null)
    {
        var match = Regex.Match(config ?? _config, $@"\n  {service}:\n((?:    .*\n|      .*\n)+)");
        Assert.That(match.Success, $"no service {service} in docker-compose.yml");
        return match.Groups[1].Value;
    }

    /// <summary>docker-compose with only the env file speaking: a variable set in the test's own environment would hide a missing one.</summary>
    private static Task<(int Exit, string Output, string Error)> RunAsync(string file, string arguments,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = Secrets.Append("BIND_ADDRESS").ToDictionary(name => name, _ => (string?)null);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            env[name] = value;
        return ExternalTool.RunAsync(file, arguments, "Debian package docker-compose, --no-install-recommends", environment: env);
    }

    [GeneratedRegex("(SECRET|TOKEN|PASSWORD|API_KEY|COOKIE)$")]
    private static partial Regex SecretVariable();

    /// <summary>A compose line setting a secret: a secret-named key, a password in a connection string, an OTLP key header.</summary>
    [GeneratedRegex("^[A-Za-z_]*(Secret|Token|Password|ApiKey|PASS|PASSWORD|BROWSERTOKEN|APIKEY|HEADERS|COOKIE):|Password=", RegexOptions.IgnoreCase)]
    private static partial Regex SecretSetting();
}
