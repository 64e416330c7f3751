namespace Agents.Harness;

/// <summary>The folder a fixture's own servers live in: made under /tmp, reachable by the servers' users, removed after.</summary>
public static class ServerFolders
{
    /// <summary>A new folder named <paramref name="prefix"/> plus a random tail.</summary>
    public static string Create(string prefix)
    {
        // The servers run as the rabbitmq/postgres users when we are root: their folder must be reachable by them.
        var directory = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        return directory;
    }

    public static void Delete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // a server still writing; the folder is in /tmp
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
