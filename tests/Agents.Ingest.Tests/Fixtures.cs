namespace Agents.Ingest.Tests;

/// <summary>The project's own vendor payloads (tests/Agents.Ingest.Tests/Fixtures), written in the vendors' formats.</summary>
public static class Fixtures
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    /// <summary>Which source a fixture or shared sample belongs to: its name up to the first underscore.</summary>
    public static string SourceOf(string fileName) => Path.GetFileName(fileName).Split('_')[0] switch
    {
        "standardwebhooks" => "generic",
        var s => s,
    };
}
