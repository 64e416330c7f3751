using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// docker-compose.yml cannot be run here (no Docker engine), so it is validated: the file is valid for
/// docker-compose, and every setting a service needs in a container is set for it.
/// </summary>
[TestFixture]
public partial class ComposeFileTests
{
    private static readonly string[] Services = ["ingest", "classifier", "writer"];

    private string _config = "";

    [OneTimeSetUp]
    public async Task RenderConfig()
    {
        var (exit, output, error) = await RunAsync("docker-compose", "-f docker-compose.yml config");
        Assert.That(exit, Is.EqualTo(0), $"docker-compose config failed: {error}");
        _config = output;
    }

    [Test]
    public async Task Compose_file_is_valid()
    {
        var (exit, _, error) = await RunAsync("docker-compose", "-f docker-compose.yml config -q");
        Assert.That(exit, Is.EqualTo(0), error);
    }

    [TestCaseSource(nameof(Services))]
    public void Service_gets_every_setting_it_needs_in_a_container(string service)
    {
        var environment = EnvironmentOf(service);
        var missing = RequiredKeys(service).Where(k => !environment.ContainsKey(k)).ToList();
        Assert.That(missing, Is.Empty, $"{service} reads these settings but docker-compose.yml does not set them");
        // Container-local defaults (localhost) would point each container at itself.
        Assert.That(environment.Where(e => e.Value.Contains("localhost", StringComparison.Ordinal)).Select(e => e.Key), Is.Empty);
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

    /// <summary>
    /// The settings a container must get: from the service's appsettings.json, every key whose default points at
    /// this machine, every connection string and every secret; plus the secrets a service cannot work without.
    /// </summary>
    private static IEnumerable<string> RequiredKeys(string service)
    {
        var path = Path.Combine(RepositoryPaths.Root, "services", service, "appsettings.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var keys = Flatten(json.RootElement, "")
            .Where(kv => kv.Value.Contains("localhost", StringComparison.Ordinal) || kv.Value.Contains("127.0.0.1", StringComparison.Ordinal)
                || kv.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
                || SecretKey().IsMatch(kv.Key))
            .Select(kv => kv.Key)
            .ToList();
        keys.AddRange(service switch
        {
            "ingest" => ["Ingest__Sources__generic__Secret"],
            "writer" => ["Approvers__0__Name", "Approvers__0__Token"],
            _ => [],
        });
        return keys.Distinct();
    }

    private static IEnumerable<KeyValuePair<string, string>> Flatten(JsonElement element, string prefix)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                    foreach (var kv in Flatten(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}__{p.Name}"))
                        yield return kv;
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                    foreach (var kv in Flatten(item, $"{prefix}__{i++}"))
                        yield return kv;
                break;
            default:
                yield return new(prefix, element.ToString());
                break;
        }
    }

    private Dictionary<string, string> EnvironmentOf(string service)
    {
        var block = Block(service);
        var env = Regex.Match(block, @"\n    environment:\n((?:      .*\n)+)");
        Assert.That(env.Success, $"{service} has no environment");
        return env.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim().Split(':', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1].Trim() : "");
    }

    /// <summary>The rendered block of one service (two-space indented under services:).</summary>
    private string Block(string service)
    {
        var match = Regex.Match(_config, $@"\n  {service}:\n((?:    .*\n|      .*\n)+)");
        Assert.That(match.Success, $"no service {service} in docker-compose.yml");
        return match.Groups[1].Value;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            const string why = "docker-compose is not installed (Debian package docker-compose, --no-install-recommends).";
            if (TestServers.RunningUnderCi) Assert.Fail(why);
            Assert.Ignore(why);
            throw;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await output, await error);
        }
    }

    [GeneratedRegex("(Secret|Token|Password|ApiKey)$")]
    private static partial Regex SecretKey();
}
