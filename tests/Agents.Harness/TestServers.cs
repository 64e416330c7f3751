using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Agents.Harness;

/// <summary>Where the real RabbitMQ and PostgreSQL for this test run are.</summary>
public sealed record ServerEndpoints(
    string RabbitHost, int RabbitPort, int RabbitManagementPort, string RabbitUser, string RabbitPassword,
    string PostgresAdminConnectionString);

/// <summary>
/// Finds the servers once per test process: the ones named by AGENTS_TEST_* variables (started by scripts/test),
/// else throwaway containers where a Docker engine runs. With neither, a <see cref="MissingPrerequisiteException"/>:
/// tests are skipped locally and FAIL under CI=true, since a missing server must never pass as a green run.
/// </summary>
public static class TestServers
{
    private static readonly Lazy<Task<ServerEndpoints?>> Servers = new(ResolveAsync);

    public static bool RunningUnderCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static async Task<ServerEndpoints> GetAsync()
    {
        var servers = await Servers.Value;
        if (servers is not null)
            return servers;
        const string why = "No RabbitMQ/PostgreSQL: set AGENTS_TEST_RABBITMQ_HOST and AGENTS_TEST_POSTGRES (scripts/test does), or run a Docker engine.";
        throw MissingPrerequisiteException.Raise(why, mustFail: RunningUnderCi);
    }

    private static async Task<ServerEndpoints?> ResolveAsync()
    {
        var host = Environment.GetEnvironmentVariable("AGENTS_TEST_RABBITMQ_HOST");
        var postgres = Environment.GetEnvironmentVariable("AGENTS_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(host) && !string.IsNullOrEmpty(postgres))
        {
            return new ServerEndpoints(host,
                int.Parse(Environment.GetEnvironmentVariable("AGENTS_TEST_RABBITMQ_PORT") ?? "5672"),
                int.Parse(Environment.GetEnvironmentVariable("AGENTS_TEST_RABBITMQ_MANAGEMENT_PORT") ?? "15672"),
                Environment.GetEnvironmentVariable("AGENTS_TEST_RABBITMQ_USER") ?? "guest",
                Environment.GetEnvironmentVariable("AGENTS_TEST_RABBITMQ_PASSWORD") ?? "guest",
                postgres);
        }
        return await StartContainersAsync();
    }

    private static async Task<ServerEndpoints?> StartContainersAsync()
    {
        try
        {
            var rabbit = new RabbitMqBuilder("rabbitmq:3.13-management")
                .WithUsername("guest").WithPassword("guest")
                .WithPortBinding(15672, true)
                .Build();
            var pg = new PostgreSqlBuilder("postgres:15").WithPassword("postgres").Build();
            await Task.WhenAll(rabbit.StartAsync(), pg.StartAsync());
            // Testcontainers' reaper removes both when the test process ends.
            return new ServerEndpoints(rabbit.Hostname, rabbit.GetMappedPublicPort(5672), rabbit.GetMappedPublicPort(15672),
                "guest", "guest", pg.GetConnectionString());
        }
        catch (Exception e) when (e.GetType().Name == "DockerUnavailableException" || e is TypeInitializationException)
        {
            return null;
        }
    }
}
