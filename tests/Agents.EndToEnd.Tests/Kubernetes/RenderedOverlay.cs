using System.Collections.Concurrent;
using System.Text;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests.Kubernetes;

/// <summary>
/// An overlay as <c>kubectl kustomize</c> renders it: the objects Kubernetes would be given. The dev overlay is rendered
/// the way a newcomer does it, with secrets.env copied from its committed example (in a copy of deploy/kubernetes,
/// so a developer's own secrets.env is neither read nor touched).
/// </summary>
public sealed class RenderedOverlay
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<RenderedOverlay>>> Cache = new();

    private RenderedOverlay(string name, IReadOnlyList<Manifest> objects)
    {
        Name = name;
        Objects = objects;
    }

    public string Name { get; }
    public IReadOnlyList<Manifest> Objects { get; }

    /// <summary>The overlay rendered once per test run.</summary>
    public static Task<RenderedOverlay> GetAsync(string overlay) =>
        Cache.GetOrAdd(overlay, o => new Lazy<Task<RenderedOverlay>>(() => RenderAsync(o))).Value;

    private static async Task<RenderedOverlay> RenderAsync(string overlay)
    {
        var copy = Directory.CreateTempSubdirectory("agents-kustomize-");
        try
        {
            CopyTree(KubernetesLayout.Root, copy.FullName);
            File.Copy(KubernetesLayout.SecretsExample, Path.Combine(copy.FullName, KubernetesLayout.DevSecretsFile), overwrite: true);
            var (exit, output, error) = await ExternalTool.RunAsync("kubectl", $"kustomize overlays/{overlay}",
                "scripts/servers.sh kubectl_install; .ci/run installs it", copy.FullName);
            Assert.That(exit, Is.EqualTo(0), $"kubectl kustomize overlays/{overlay} failed: {error}");
            var objects = YamlDocuments.Parse(output).Select(o => new Manifest(
                o["kind"]!.GetValue<string>(),
                o["metadata"]!["name"]!.GetValue<string>(),
                o["metadata"]?["namespace"]?.GetValue<string>(),
                o)).ToList();
            return new RenderedOverlay(overlay, objects);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    public IEnumerable<Manifest> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    public Manifest? Find(string kind, string name) => Objects.SingleOrDefault(o => o.Kind == kind && o.Name == name);

    public Manifest Single(string kind, string name) =>
        Find(kind, name) ?? throw new AssertionException($"{Name}: no {kind} {name} rendered");

    public IEnumerable<Manifest> Deployments => OfKind("Deployment");

    /// <summary>The RabbitMQ Cluster Operator's cluster (exactly one).</summary>
    public Manifest Broker => OfKind("RabbitmqCluster").Single();

    /// <summary>CloudNativePG's cluster (exactly one).</summary>
    public Manifest Database => OfKind("Cluster").Single(c => c.Body["apiVersion"]!.GetValue<string>().StartsWith("postgresql.cnpg.io/", StringComparison.Ordinal));

    public IReadOnlyDictionary<string, string>? ConfigMapData(string name) =>
        Find("ConfigMap", name) is { } map ? Manifest.Strings(map.Body["data"]) : null;

    /// <summary>A rendered Secret's keys and decoded values (data is base64, stringData plain), or null when not rendered.</summary>
    public IReadOnlyDictionary<string, string>? SecretData(string name)
    {
        if (Find("Secret", name) is not { } secret)
            return null;
        var values = Manifest.Strings(secret.Body["data"])
            .ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(Convert.FromBase64String(kv.Value)));
        foreach (var (key, value) in Manifest.Strings(secret.Body["stringData"]))
            values[key] = value;
        return values;
    }

    /// <summary>The ScaledObject whose target is <paramref name="deployment"/>, if any.</summary>
    public Manifest? ScalerOf(Manifest deployment) =>
        OfKind("ScaledObject").SingleOrDefault(s => s.Spec?["scaleTargetRef"]?["name"]?.GetValue<string>() == deployment.Name);

    public override string ToString() => Name;
}
