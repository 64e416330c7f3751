namespace Agents.Harness;

/// <summary>
/// A file of <c>../shared/data</c> a proof needs. Absent: the test is ignored on a developer's machine, but fails
/// under <c>CI=true</c>, where CI clones the repository beside shared/ and a missing file means the proof did not run.
/// </summary>
public static class SharedDataFile
{
    public static string Require(string relativePath)
    {
        var path = RepositoryPaths.SharedData is { } data ? Path.Combine(data, relativePath) : null;
        if (path is not null && File.Exists(path))
            return path;
        var why = $"../shared/data/{relativePath} is not present next to the repository.";
        throw MissingPrerequisiteException.Raise(
            TestServers.RunningUnderCi ? why + " Under CI=true this proof must run." : why, TestServers.RunningUnderCi);
    }
}
