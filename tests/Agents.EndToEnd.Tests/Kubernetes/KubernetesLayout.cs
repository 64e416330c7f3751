using Agents.Harness;

namespace Agents.EndToEnd.Tests.Kubernetes;

/// <summary>Where the Kubernetes manifests are: deploy/kubernetes, its base and its overlays.</summary>
public static class KubernetesLayout
{
    public static string Root => Path.Combine(RepositoryPaths.Root, "deploy", "kubernetes");

    /// <summary>Every overlay (a folder of overlays/): each must render and pass every check.</summary>
    public static IReadOnlyList<string> Overlays() =>
        Directory.GetDirectories(Path.Combine(Root, "overlays")).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal).ToList();

    /// <summary>The dev overlay's secrets file, which git ignores; its committed template names the keys of agents-secrets.</summary>
    public const string DevSecretsFile = "overlays/dev/secrets.env";

    public static string SecretsExample => Path.Combine(Root, DevSecretsFile + ".example");

    /// <summary>The keys and demo values of <see cref="SecretsExample"/> (an env file: KEY=value, # comments).</summary>
    public static IReadOnlyDictionary<string, string> ExampleSecrets() =>
        File.ReadAllLines(SecretsExample)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
}
