using System.Diagnostics;
using Agents.Harness;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// A command-line tool the deployment tests validate with (docker-compose, kubectl), run in the repository root.
/// A missing tool skips the test on a developer's machine and fails it under CI=true (where .ci/run installs it).
/// </summary>
public static class ExternalTool
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(string file, string arguments, string missingHint,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory ?? RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // A null value removes the variable, so a test can make sure only its own settings speak.
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) psi.Environment.Remove(name);
            else psi.Environment[name] = value;
        }
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            var why = $"{file} is not installed ({missingHint}).";
            if (TestServers.RunningUnderCi) Assert.Fail(why);
            Assert.Ignore(why);
            throw;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await output, await error);
        }
    }
}
