namespace Agents.Harness;

/// <summary>Where the repository and the shared data folder beside it are, from a test's or a benchmark's working directory.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder of Agents.sln: the launcher's <see cref="Agents.Launcher.RepositoryLayout.Root"/>, one search for both.</summary>
    public static string Root => Agents.Launcher.RepositoryLayout.Root;

    /// <summary>The classifier's shipped rules file (the one its build copies next to the service).</summary>
    public static string ShippedRules => Path.Combine(Root, "services", "classifier", "rules.json");

    /// <summary><c>shared/data</c> next to the repository (CI clones beside shared/), or null when absent.</summary>
    public static string? SharedData { get; } = FindSharedData();

    private static string? FindSharedData()
    {
        for (var dir = new DirectoryInfo(Root); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
