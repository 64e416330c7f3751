using System.Text.RegularExpressions;
using Agents.Harness;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// docker-compose.yml's <c>cluster</c> profile, rendered as its header comment says to start it: three RabbitMQ nodes
/// that can form one cluster (the same cookie, node names the peer discovery file names, the first node healthy only
/// once all three are in), and every service given all three.
/// </summary>
public partial class ComposeFileTests
{
    private static readonly string[] ClusterNodes = ["rabbitmq", "rabbitmq-2", "rabbitmq-3"];

    /// <summary>What the compose file's header sets to start the cluster.</summary>
    private static readonly Dictionary<string, string> ClusterVariables = new()
    {
        ["COMPOSE_PROFILES"] = "cluster",
        ["RABBITMQ_HOSTS"] = string.Join(",", ClusterNodes),
        ["RABBITMQ_CLUSTER_NODES"] = "3",
    };

    [Test]
    public async Task Cluster_profile_is_valid_and_started_as_the_file_says()
    {
        var header = File.ReadAllText(ComposeFile);
        Assert.That(header, Does.Contain(string.Join(" ", ClusterVariables.Select(v => $"{v.Key}={v.Value}"))), "the command in the header");
        var (exit, _, error) = await RunAsync("docker-compose", "--env-file .env.example -f docker-compose.yml config -q", ClusterVariables);
        Assert.That(exit, Is.EqualTo(0), error);
    }

    [Test]
    public async Task Cluster_profile_has_three_nodes_that_join_the_first_and_services_that_know_them_all()
    {
        var (exit, config, error) = await RunAsync("docker-compose", "--env-file .env.example -f docker-compose.yml config", ClusterVariables);
        Assert.That(exit, Is.EqualTo(0), error);

        var cookie = DemoValues()["RABBITMQ_ERLANG_COOKIE"];
        var discovery = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "compose", "rabbitmq-cluster.conf"));
        Assert.That(discovery, Does.Contain("cluster_formation.peer_discovery_backend = classic_config"));
        foreach (var node in ClusterNodes)
        {
            var block = Block(node, config);
            Assert.That(block, Does.Contain($"hostname: {node}\n"), $"{node}: its node name is rabbit@{node}");
            Assert.That(EnvironmentOf(node, config)["RABBITMQ_ERLANG_COOKIE"], Is.EqualTo(cookie), $"{node} shares the cluster's cookie");
            Assert.That(Regex.IsMatch(block, $@"- {Regex.Escape(node)}-?data:/var/lib/rabbitmq|source: {Regex.Escape(node)}-?data"), Is.True,
                $"{node} keeps its data in a volume of its own: {block}");
            if (node == ClusterNodes[0])
                continue;
            Assert.That(block, Does.Match(@"profiles:\n\s+- cluster\n"), $"{node} starts only with the cluster profile");
            Assert.That(block, Does.Contain("/etc/rabbitmq/conf.d/"), $"{node} reads the peer discovery file");
        }
        Assert.That(discovery, Does.Contain($"= rabbit@{ClusterNodes[0]}\n"), "the others join the always-on node");
        Assert.That(Block("rabbitmq", config), Does.Not.Contain("profiles:"), "the first node runs with or without the profile");
        Assert.That(Block("rabbitmq", config), Does.Contain("await_online_nodes 3 "), "healthy (and the services started) once all three are in");
        foreach (var service in Services)
            Assert.That(EnvironmentOf(service, config)["RabbitMq__Host"], Is.EqualTo(string.Join(",", ClusterNodes)), $"{service} may use any node");
    }

    [Test]
    public void Without_the_profile_the_services_use_the_one_node() =>
        Assert.That(Services.Select(s => EnvironmentOf(s)["RabbitMq__Host"]), Is.All.EqualTo("rabbitmq"));
}
