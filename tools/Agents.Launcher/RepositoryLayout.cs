using System.Reflection;

namespace Agents.Launcher;

/// <summary>Where the repository is and where a service's build output lies in it.</summary>
public static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration this launcher was built with (Debug/Release): services are run from the same one.</summary>
    public static string Configuration { get; } =
        typeof(RepositoryLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string BinFolder(ServiceKind kind, string? configuration = null) =>
        Path.Combine(Root, "services", kind.Folder(), "bin", configuration ?? Configuration, "net10.0");

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Agents.sln")))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Agents.sln above {AppContext.BaseDirectory} or the current directory.");
    }
}
