namespace Agents.Testing;

/// <summary>Where the repository and the shared data folder beside it are, from a test's working directory.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>shared/data</c> next to the repository (CI clones beside shared/), or null when absent.</summary>
    public static string? SharedData { get; } = FindSharedData();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Agents.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No Agents.sln above {AppContext.BaseDirectory}.");
    }

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
