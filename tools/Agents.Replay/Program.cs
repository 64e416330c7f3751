using Agents.Replay;
using Microsoft.Extensions.Configuration;

// replay --input FILE (json or csv) [--dry-run] [--rows FROM-TO] [--limit N] [--report FILE.md] [--ingest URL] …
var (arguments, error) = ReplayArguments.Parse(args);
if (arguments is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(ReplayArguments.Usage);
    return 2;
}
if (!File.Exists(arguments.Input))
{
    Console.Error.WriteLine($"No such file: {arguments.Input}");
    return 2;
}

// The service's appsettings (rules file, LLM settings) and the same environment variables (Classifier__Llm__…,
// Replay__IngestSecret, …).
var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" })
    .AddEnvironmentVariables()
    .Build();

var tickets = arguments.Select(ReplayInput.Read(arguments.Input));
return arguments.DryRun
    ? await DryRun.RunAsync(arguments, tickets, configuration)
    : await LiveReplay.RunAsync(arguments, tickets, configuration);
