namespace Agents.Bench;

/// <summary>What every benchmark gets: the servers to use and a place to print results.</summary>
public sealed record BenchContext(string RabbitHost, int RabbitPort, int RabbitManagementPort, string PostgresAdmin, bool Quick)
{
    public static BenchContext FromEnvironment(bool quick) => new(
        Environment.GetEnvironmentVariable("AGENTS_TEST_RABBITMQ_HOST") ?? "127.0.0.1",
        int.Parse(Environment.GetEnvironmentVariable("AGENTS_TEST_RABBITMQ_PORT") ?? "5672"),
        int.Parse(Environment.GetEnvironmentVariable("AGENTS_TEST_RABBITMQ_MANAGEMENT_PORT") ?? "15672"),
        Environment.GetEnvironmentVariable("AGENTS_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres",
        quick);
}
