using System.Globalization;
using Agents.Harness;
using Npgsql;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests.Kubernetes;

/// <summary>
/// Each service started with the environment the production overlay gives its pod (ConfigMaps, Secrets, $(…)
/// expanded as Kubernetes does), pointed at the test broker and database instead of the operators' Services, alone
/// in a virtual host of its own: its probes must answer, and the queues KEDA watches for it must be exactly the
/// receive endpoints it declares — a renamed consumer, or a new one nobody scales on, fails here.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Children)]
public class KubernetesServiceTests
{
    private const string Overlay = "production";

    private static IEnumerable<string> Services() => OurService.All.Select(s => s.Name);

    [TestCaseSource(nameof(Services))]
    public async Task Service_with_the_rendered_configuration_answers_its_probes_and_declares_the_queues_KEDA_watches(string name)
    {
        var overlay = await RenderedOverlay.GetAsync(Overlay);
        var deployment = overlay.Single("Deployment", name);
        var container = Manifest.Items(deployment.Spec!["template"]!["spec"]!["containers"]).Single();

        await using var servers = await IsolatedServers.CreateAsync();
        var env = ContainerEnvironment.Resolve(container, overlay, StandIns(overlay, servers.Broker));
        Assert.That(env.Problems, Is.Empty);

        var service = OurService.Named(name);
        await using var running = await RunningService.StartAsync(service.Build, [Settings(env, servers)], service.Migrate);

        foreach (var kind in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            var path = container[kind]!["httpGet"]!["path"]!.GetValue<string>();
            using var response = await running.Client.GetAsync(path);
            Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{kind} {path}");
        }

        // Receive endpoints: durable queues, not the bus's temporary one (auto-delete), not where faults go, not the
        // shared delay queues of durable redelivery (nobody consumes them: the broker routes them back when due).
        var declared = (await servers.Broker.QueuesAsync())
            .Where(q => q.Durable && !q.AutoDelete && !q.Name.EndsWith("_error", StringComparison.Ordinal) && !q.Name.EndsWith("_skipped", StringComparison.Ordinal)
                && !q.Name.StartsWith(Agents.ServiceDefaults.Queues.OwnedQueue.RedeliveryExchange + "-", StringComparison.Ordinal))
            .Select(q => q.Name);
        var watched = Manifest.Items(overlay.ScalerOf(deployment)!.Spec!["triggers"])
            .Where(t => t["type"]!.GetValue<string>() == "rabbitmq")
            .Select(t => t["metadata"]!["queueName"]!.GetValue<string>());
        Assert.That(watched, Is.EquivalentTo(declared), $"{name}: the queues KEDA watches against those the service consumes");
    }

    /// <summary>
    /// Values for the Secrets a pod would read: the test servers' credentials for the operators' Secrets, the demo
    /// values of secrets.env.example for ours.
    /// </summary>
    private static ContainerEnvironment.SecretLookup StandIns(RenderedOverlay overlay, IsolatedBroker broker)
    {
        var admin = new NpgsqlConnectionStringBuilder(broker.Servers.PostgresAdminConnectionString);
        var values = new Dictionary<(string, string), string>
        {
            [(ExternalSecrets.BrokerUserSecret(overlay), "username")] = broker.Servers.RabbitUser,
            [(ExternalSecrets.BrokerUserSecret(overlay), "password")] = broker.Servers.RabbitPassword,
            [(ExternalSecrets.DatabaseAppSecret(overlay), "username")] = admin.Username!,
            [(ExternalSecrets.DatabaseAppSecret(overlay), "password")] = admin.Password!,
        };
        foreach (var (key, value) in KubernetesLayout.ExampleSecrets())
            values[(ExternalSecrets.Ours, key)] = value;
        return (secret, key) => overlay.SecretData(secret)?.GetValueOrDefault(key) ?? values.GetValueOrDefault((secret, key));
    }

    /// <summary>
    /// The pod's environment as configuration (<c>A__B</c> is <c>A:B</c>), with only the addresses changed: the test
    /// broker's virtual host for the operator's Service, the test database for the -rw Service (every other
    /// connection option as rendered), a free loopback port for Urls.
    /// </summary>
    private static IReadOnlyDictionary<string, string?> Settings(ContainerEnvironment env, IsolatedServers servers)
    {
        var (broker, database) = (servers.Broker, servers.Database);
        var settings = env.Variables
            .Where(v => v.Key != "Urls")
            .ToDictionary(v => v.Key.Replace("__", ":", StringComparison.Ordinal), v => (string?)v.Value);
        settings["RabbitMq:Host"] = broker.Servers.RabbitHost;
        settings["RabbitMq:Port"] = broker.Servers.RabbitPort.ToString(CultureInfo.InvariantCulture);
        settings["RabbitMq:VirtualHost"] = broker.VirtualHost;
        var test = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        settings["ConnectionStrings:Db"] = new NpgsqlConnectionStringBuilder(env.Variables["ConnectionStrings__Db"])
        {
            Host = test.Host,
            Port = test.Port,
            Database = test.Database,
        }.ConnectionString;
        return settings;
    }
}
