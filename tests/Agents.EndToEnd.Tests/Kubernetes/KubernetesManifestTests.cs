using System.Text.Json.Nodes;
using Agents.Ingest;
using Npgsql;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests.Kubernetes;

/// <summary>
/// No Kubernetes cluster runs here, so deploy/kubernetes is validated offline: every overlay renders with
/// <c>kubectl kustomize</c>, and what it renders holds together — every reference (Secret and ConfigMap keys,
/// $(variables), probe ports, selectors, scale targets) finds what it names, every service gets the settings it
/// needs and reaches the operators' servers, no secret is written down. <see cref="KubernetesServiceTests"/> then
/// starts the services with the rendered configuration.
/// </summary>
[TestFixture]
public class KubernetesManifestTests
{
    private static IReadOnlyList<string> Overlays() => KubernetesLayout.Overlays();

    [Test]
    public void There_is_a_dev_and_a_production_overlay() =>
        Assert.That(Overlays(), Is.SupersetOf(new[] { "dev", "production" }));

    [TestCaseSource(nameof(Overlays))]
    public async Task Overlay_renders_one_deployment_per_service_and_both_servers(string name)
    {
        var overlay = await RenderedOverlay.GetAsync(name);
        Assert.That(overlay.Deployments.Select(d => d.Name), Is.EquivalentTo(OurService.All.Select(s => s.Name)));
        Assert.That(overlay.Broker.Body["apiVersion"]!.GetValue<string>(), Is.EqualTo("rabbitmq.com/v1beta1"));
        Assert.That(overlay.Database.Body["apiVersion"]!.GetValue<string>(), Is.EqualTo("postgresql.cnpg.io/v1"));
        Assert.That(overlay.Objects.Where(o => o.Kind != "Namespace").Select(o => o.Namespace).Distinct(), Is.EqualTo(new[] { "agents" }),
            "everything in one namespace: the Services, Secrets and ConfigMaps are found by their short names");
    }

    [TestCaseSource(nameof(Overlays))]
    public async Task Every_probe_is_an_endpoint_the_service_maps_on_a_port_it_listens_on(string name)
    {
        var overlay = await RenderedOverlay.GetAsync(name);
        foreach (var deployment in overlay.Deployments)
        {
            var container = Container(deployment);
            var mapped = await OurService.Named(deployment.Name).MappedPathsAsync();
            var env = ContainerEnvironment.Resolve(container, overlay, ExternalSecrets.Placeholders(overlay));
            var listening = new Uri(env.Variables["Urls"]).Port;
            var ports = Manifest.Items(container["ports"]).ToList();
            Assert.That(ports.Select(p => int.Parse(p["containerPort"]!.GetValue<string>())), Is.EqualTo(new[] { listening }),
                $"{deployment}: the container port is the one Urls makes the service listen on");

            var probes = new[] { "startupProbe", "readinessProbe", "livenessProbe" };
            foreach (var kind in probes)
            {
                var probe = container[kind]?["httpGet"];
                Assert.That(probe, Is.Not.Null, $"{deployment}: no HTTP {kind}");
                Assert.That(mapped, Does.Contain(probe!["path"]!.GetValue<string>()), $"{deployment}: {kind} asks for a path the service does not map");
                var port = probe["port"]!.GetValue<string>();
                Assert.That(ports.Any(p => p["name"]?.GetValue<string>() == port || p["containerPort"]!.GetValue<string>() == port),
                    $"{deployment}: {kind} port {port} is not a container port");
            }
            // Liveness must not fail while only the broker is down: Kubernetes would restart every pod for nothing.
            Assert.That(container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>(),
                Is.Not.EqualTo(container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>()));
        }
    }

    [TestCaseSource(nameof(Overlays))]
    public async Task Every_service_has_resources_a_disruption_budget_and_a_service(string name)
    {
        var overlay = await RenderedOverlay.GetAsync(name);
        foreach (var deployment in overlay.Deployments)
        {
            var container = Container(deployment);
            var resources = container["resources"];
            Assert.That(resources?["requests"]?["cpu"], Is.Not.Null, $"{deployment}: a CPU request (KEDA's CPU trigger is relative to it)");
            Assert.That(resources?["requests"]?["memory"], Is.Not.Null, $"{deployment}: a memory request");
            Assert.That(resources?["limits"]?["memory"], Is.Not.Null, $"{deployment}: a memory limit");

            var podLabels = Manifest.Strings(deployment.Spec!["template"]!["metadata"]!["labels"]);
            Assert.That(Selects(deployment.Spec["selector"]!["matchLabels"], podLabels), $"{deployment}: its selector matches its pods");
            var budgets = overlay.OfKind("PodDisruptionBudget").Where(b => Selects(b.Spec!["selector"]!["matchLabels"], podLabels)).ToList();
            Assert.That(budgets, Has.Count.EqualTo(1), $"{deployment}: one PodDisruptionBudget");
            Assert.That(budgets[0].Spec!["maxUnavailable"]?.GetValue<string>(), Is.EqualTo("1"),
                $"{deployment}: maxUnavailable 1 (minAvailable would block every drain of a single replica)");

            var service = overlay.Single("Service", deployment.Name);
            Assert.That(Selects(service.Spec!["selector"], podLabels), $"{service}: selects the pods of {deployment}");
            var portNames = Manifest.Items(container["ports"]).Select(p => p["name"]?.GetValue<string>()).ToHashSet();
            Assert.That(Manifest.Items(service.Spec["ports"]).Select(p => p["targetPort"]!.GetValue<string>()), Is.SubsetOf(portNames));
        }
    }

    [TestCaseSource(nameof(Overlays))]
    public async Task Every_setting_reference_finds_its_key_and_every_service_gets_what_it_needs(string name)
    {
        var overlay = await RenderedOverlay.GetAsync(name);
        var external = ExternalSecrets.Of(overlay);
        foreach (var deployment in overlay.Deployments)
        {
            var container = Container(deployment);
            var env = ContainerEnvironment.Resolve(container, overlay, ExternalSecrets.Placeholders(overlay));
            Assert.That(env.Problems, Is.Empty, $"{deployment}");
            foreach (var (variable, secret, key) in ContainerEnvironment.SecretReferences(container))
                Assert.That(overlay.SecretData(secret)?.ContainsKey(key) ?? external.GetValueOrDefault(secret)?.Contains(key), Is.True,
                    $"{deployment}: {variable} reads {secret}/{key}, which no rendered or documented Secret holds");

            var folder = OurService.Named(deployment.Name).Folder;
            Assert.That(ContainerSettings.Required(folder).Where(k => !env.Variables.ContainsKey(k)), Is.Empty,
                $"{deployment}: settings the service reads that the manifests do not set");
            Assert.That(env.Variables.Where(v => ContainerSettings.PointsAtThisMachine(v.Value)).Select(v => v.Key), Is.Empty,
                $"{deployment}: a value that would point the pod at itself");
        }
    }

    [TestCaseSource(nameof(Overlays))]
    public async Task Services_reach_the_operators_broker_and_the_database_primary(string name)
    {
        var overlay = await RenderedOverlay.GetAsync(name);
        var initdb = overlay.Database.Spec!["bootstrap"]!["initdb"]!;
        foreach (var deployment in overlay.Deployments)
        {
            var env = ContainerEnvironment.Resolve(Container(deployment), overlay, ExternalSecrets.Placeholders(overlay)).Variables;
            Assert.That(env["RabbitMq__Host"], Is.EqualTo(overlay.Broker.Name), $"{deployment}: the operator's client Service");
            Assert.That(env["RabbitMq__Username"], Is.EqualTo(ExternalSecrets.Placeholder(ExternalSecrets.BrokerUserSecret(overlay), "username")));
            Assert.That(env["RabbitMq__Password"], Is.EqualTo(ExternalSecrets.Placeholder(ExternalSecrets.BrokerUserSecret(overlay), "password")));
            Assert.That(env["RabbitMq__QueueType"], Is.EqualTo("quorum"), $"{deployment}: replicated queues");

            var db = new NpgsqlConnectionStringBuilder(env["ConnectionStrings__Db"]);
            Assert.That(db.Host, Is.EqualTo(overlay.Database.Name + "-rw"), $"{deployment}: CloudNativePG's Service of the primary");
            // One host, the operator's Service of the primary; several hosts would need Target Session Attributes=primary.
            Assert.That(db.TargetSessionAttributes, Is.Null.Or.EqualTo("any"), $"{deployment}: Npgsql refuses it with a single host");
            Assert.That(db.Database, Is.EqualTo(initdb["database"]!.GetValue<string>()));
            Assert.That(db.Username, Is.EqualTo(ExternalSecrets.Placeholder(ExternalSecrets.DatabaseAppSecret(overlay), "username")));
            Assert.That(db.Password, Is.EqualTo(ExternalSecrets.Placeholder(ExternalSecrets.DatabaseAppSecret(overlay), "password")));
        }
    }

    [TestCaseSource(nameof(Overlays))]
    public async Task Keda_scales_the_classifier_and_the_writer_on_their_queues_and_ingest_on_cpu(string name)
    {
        var overlay = await RenderedOverlay.GetAsync(name);
        var external = ExternalSecrets.Of(overlay);
        foreach (var deployment in overlay.Deployments)
        {
            var scaler = overlay.ScalerOf(deployment);
            Assert.That(scaler, Is.Not.Null, $"{deployment}: no ScaledObject");
            Assert.That(deployment.Spec!["replicas"], Is.Null, $"{deployment}: a replica count in the manifest would fight the autoscaler on every apply");
            var min = int.Parse(scaler!.Spec!["minReplicaCount"]!.GetValue<string>());
            var max = int.Parse(scaler.Spec["maxReplicaCount"]!.GetValue<string>());
            Assert.That(min, Is.InRange(1, max), $"{scaler}: at least one replica (the writer's API and sweeper, ingest's webhooks), at most max");

            var triggers = Manifest.Items(scaler.Spec["triggers"]).ToList();
            var expected = deployment.Name == IngestService.Name ? "cpu" : "rabbitmq";
            Assert.That(triggers.Select(t => t["type"]!.GetValue<string>()).Distinct(), Is.EqualTo(new[] { expected }), $"{scaler}");
            foreach (var trigger in triggers.Where(t => t["type"]!.GetValue<string>() == "rabbitmq"))
            {
                var metadata = trigger["metadata"]!;
                Assert.That(metadata["protocol"]!.GetValue<string>(), Is.EqualTo("http"), "the management API counts unacknowledged messages too");
                Assert.That(metadata["mode"]!.GetValue<string>(), Is.EqualTo("QueueLength"));
                var host = new Uri(metadata["host"]!.GetValue<string>());
                Assert.That(host.UserInfo, Is.Empty, $"{scaler}: credentials come from the TriggerAuthentication");
                Assert.That(host.Host, Is.EqualTo($"{overlay.Broker.Name}.{overlay.Broker.Namespace}.svc"),
                    $"{scaler}: KEDA runs in its own namespace and reaches the broker's Service by its namespaced name");
                Assert.That(host.Port, Is.EqualTo(15672));
                Assert.That(metadata["queueName"]?.GetValue<string>(), Is.Not.Empty);

                var auth = overlay.Single("TriggerAuthentication", trigger["authenticationRef"]!["name"]!.GetValue<string>());
                var parameters = Manifest.Items(auth.Spec!["secretTargetRef"]).ToList();
                Assert.That(parameters.Select(p => p["parameter"]!.GetValue<string>()), Is.EquivalentTo(new[] { "username", "password" }));
                foreach (var p in parameters)
                    Assert.That(external.GetValueOrDefault(p["name"]!.GetValue<string>())?.Contains(p["key"]!.GetValue<string>()), Is.True,
                        $"{auth}: {p["name"]}/{p["key"]}");
            }
        }
    }

    [TestCaseSource(nameof(Overlays))]
    public async Task Database_connections_suffice_at_full_scale(string name)
    {
        // Each replica holds up to two Npgsql pools (EF Core's and a data source of its own: ingest's deliveries,
        // the classifier's cache; the writer one) of Maximum Pool Size connections; a few are left for an operator.
        const int poolsPerReplica = 2, forOperators = 10;
        var overlay = await RenderedOverlay.GetAsync(name);
        var needed = overlay.Deployments.Sum(d =>
        {
            var env = ContainerEnvironment.Resolve(Container(d), overlay, ExternalSecrets.Placeholders(overlay)).Variables;
            var pool = new NpgsqlConnectionStringBuilder(env["ConnectionStrings__Db"]).MaxPoolSize;
            return int.Parse(overlay.ScalerOf(d)!.Spec!["maxReplicaCount"]!.GetValue<string>()) * poolsPerReplica * pool;
        });
        var maxConnections = int.Parse(overlay.Database.Spec!["postgresql"]!["parameters"]!["max_connections"]!.GetValue<string>());
        Assert.That(needed + forOperators, Is.LessThanOrEqualTo(maxConnections));
    }

    [Test]
    public async Task Production_runs_three_broker_nodes_and_a_synchronous_standby()
    {
        var overlay = await RenderedOverlay.GetAsync("production");
        Assert.That(overlay.Broker.Spec!["replicas"]!.GetValue<string>(), Is.EqualTo("3"));
        Assert.That(int.Parse(overlay.Database.Spec!["instances"]!.GetValue<string>()), Is.GreaterThanOrEqualTo(2), "a primary and a standby");
        var synchronous = overlay.Database.Spec["postgresql"]!["synchronous"]!;
        Assert.That(int.Parse(synchronous["number"]!.GetValue<string>()), Is.GreaterThanOrEqualTo(1), "a commit is on a standby before it is acknowledged");
        Assert.That(synchronous["dataDurability"]!.GetValue<string>(), Is.EqualTo("required"));
        Assert.That(overlay.OfKind("PodDisruptionBudget").Where(b => Selects(b.Spec!["selector"]!["matchLabels"],
            new Dictionary<string, string> { ["app.kubernetes.io/name"] = overlay.Broker.Name })), Has.Exactly(1).Items,
            "node drains take one broker node at a time");
        foreach (var deployment in overlay.Deployments)
        {
            var image = Container(deployment)["image"]!.GetValue<string>();
            Assert.That(image, Does.Match(@":[\w.-]+$").And.Not.EndWith(":latest"), $"{deployment}: a released image, pinned");
            Assert.That(int.Parse(overlay.ScalerOf(deployment)!.Spec!["minReplicaCount"]!.GetValue<string>()), Is.GreaterThanOrEqualTo(2),
                $"{deployment}: a node loss leaves a replica serving");
        }
    }

    [TestCaseSource(nameof(Overlays))]
    public async Task No_secret_is_written_in_what_an_overlay_renders(string name)
    {
        var overlay = await RenderedOverlay.GetAsync(name);
        var leaks = new List<string>();
        foreach (var o in overlay.Objects.Where(o => o.Kind != "Secret"))
            leaks.AddRange(SecretLiterals.In(o));
        Assert.That(leaks, Is.Empty);
        // Secrets rendered at all: only the dev overlay's, generated from its git-ignored secrets.env.
        var generated = overlay.OfKind("Secret").Select(s => s.Name).ToList();
        Assert.That(generated, name == "dev" ? Has.All.StartsWith(ExternalSecrets.Ours + "-") : Is.Empty);
    }

    [Test]
    public async Task No_secret_is_committed_under_deploy_kubernetes()
    {
        var committed = Directory.GetFiles(KubernetesLayout.Root, "*.yaml", SearchOption.AllDirectories)
            .SelectMany(f => YamlDocuments.Parse(File.ReadAllText(f)).Select(o => (File: Path.GetRelativePath(KubernetesLayout.Root, f), Object: o)))
            .ToList();
        Assert.That(committed.Where(c => c.Object["kind"]?.GetValue<string>() == "Secret").Select(c => c.File), Is.Empty);

        var (exit, _, _) = await ExternalTool.RunAsync("git", $"check-ignore -q deploy/kubernetes/{KubernetesLayout.DevSecretsFile}", "git");
        Assert.That(exit, Is.EqualTo(0), $"git must ignore {KubernetesLayout.DevSecretsFile}: it holds the dev cluster's secrets");
    }

    private static JsonObject Container(Manifest deployment)
    {
        var containers = Manifest.Items(deployment.Spec!["template"]!["spec"]!["containers"]).ToList();
        Assert.That(containers, Has.Count.EqualTo(1), $"{deployment}: one container");
        return containers[0];
    }

    private static bool Selects(JsonNode? matchLabels, IReadOnlyDictionary<string, string> labels)
    {
        var selector = Manifest.Strings(matchLabels);
        return selector.Count > 0 && selector.All(kv => labels.GetValueOrDefault(kv.Key) == kv.Value);
    }
}
