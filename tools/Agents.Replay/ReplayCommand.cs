using System.CommandLine;
using Microsoft.Extensions.Configuration;

namespace Agents.Replay;

/// <summary>
/// The replay's command line (System.CommandLine: parsing, checks, help, completions) and what it runs. The replay
/// program takes it as its root command, the agents tool as its <c>replay</c> verb: one definition for both.
/// </summary>
public sealed class ReplayCommand
{
    public const string Description = """
        Replays a file of tickets. --dry-run classifies them in process with the classifier's rules and LLM settings
        (nothing is sent or stored) and reports accuracy against the file's labels; without it, every ticket goes to
        ingest's POST /webhooks/generic, signed with Replay__IngestSecret (read from the environment, never the command line).
        """;

    private readonly Option<string> _input = new("--input")
    {
        Required = true,
        HelpName = "FILE",
        Description = ".csv (header with subject and/or body; labels queue or category, priority, language; optional id) or .json (an array of such objects)",
    };

    private readonly Option<bool> _dryRun = new("--dry-run")
    {
        Description = "classify in process with the service's rules and LLM settings; nothing is sent or stored",
    };

    private readonly Option<RowRange?> _rows = new("--rows")
    {
        HelpName = "FROM-TO",
        Description = "only these tickets of the file (1-based, inclusive), e.g. 351-700 for a held-out part",
        CustomParser = RowRange.Parse,
    };

    private readonly Option<int?> _limit = CountOption.Create("--limit", "at most N tickets (of those --rows selected)");

    private readonly Option<string?> _report = new("--report")
    {
        HelpName = "FILE.md",
        Description = "the Markdown report (the per-ticket CSV goes beside it); default replay-report-<time>.md, replay-live-<time>.md",
    };

    private readonly Option<string?> _ingest = new("--ingest")
    {
        HelpName = "URL",
        Description = "live: ingest's base URL (default Replay__IngestUrl, http://127.0.0.1:5001)",
    };

    private readonly Option<int?> _concurrency = CountOption.Create("--concurrency", "live: requests in flight at once (default Replay__Concurrency, 4)");

    private readonly Option<string?> _idPrefix = new("--id-prefix")
    {
        HelpName = "PREFIX",
        Description = "live: ticket ids are PREFIX-<row id> (default: the file name without extension)",
    };

    private ReplayCommand()
    {
    }

    /// <summary>The replay program's root command.</summary>
    public static RootCommand Root(Func<IConfiguration> configuration) =>
        new ReplayCommand().Configure(new RootCommand(Description), configuration);

    /// <summary>The agents tool's <c>replay</c> verb.</summary>
    public static Command Verb(Func<IConfiguration> configuration) =>
        new ReplayCommand().Configure(new Command("replay", Description), configuration);

    /// <summary>
    /// The service's appsettings (rules file, LLM settings), next to the program, and the same environment variables
    /// (<c>Classifier__Llm__…</c>, <c>Replay__IngestSecret</c>, …).
    /// </summary>
    public static IConfiguration DefaultConfiguration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" })
        .AddEnvironmentVariables()
        .Build();

    /// <summary>The arguments, or null and the parser's reasons they are not usable.</summary>
    public static (ReplayArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        var command = new ReplayCommand();
        var result = command.Configure(new RootCommand(Description), configuration: null).Parse(args);
        return result.Errors.Count > 0
            ? (null, string.Join(" ", result.Errors.Select(e => e.Message)))
            : (command.Bind(result), null);
    }

    private T Configure<T>(T command, Func<IConfiguration>? configuration) where T : Command
    {
        foreach (var option in new Option[] { _input, _dryRun, _rows, _limit, _report, _ingest, _concurrency, _idPrefix })
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            var liveOnly = new Option[] { _ingest, _concurrency, _idPrefix };
            if (result.GetValue(_dryRun) && liveOnly.Any(o => result.GetResult(o) is { Implicit: false }))
                result.AddError("--ingest, --concurrency and --id-prefix are for the live replay, not --dry-run.");
        });
        if (configuration is not null)
            command.SetAction((result, _) => RunAsync(Bind(result), configuration, result.InvocationConfiguration.Error));
        return command;
    }

    private ReplayArguments Bind(ParseResult result) => new()
    {
        Input = result.GetRequiredValue(_input),
        DryRun = result.GetValue(_dryRun),
        Report = result.GetValue(_report),
        Limit = result.GetValue(_limit) ?? int.MaxValue,
        FromRow = result.GetValue(_rows)?.From ?? 1,
        ToRow = result.GetValue(_rows)?.To ?? int.MaxValue,
        IngestUrl = result.GetValue(_ingest),
        Concurrency = result.GetValue(_concurrency),
        IdPrefix = result.GetValue(_idPrefix),
    };

    private static async Task<int> RunAsync(ReplayArguments arguments, Func<IConfiguration> configuration, TextWriter error)
    {
        if (!File.Exists(arguments.Input))
        {
            await error.WriteLineAsync($"No such file: {arguments.Input}");
            return 2;
        }
        // --report tickets.md beside tickets.csv would write the per-ticket CSV over the tickets themselves.
        if (arguments.Report is { } report && SamePath(Path.ChangeExtension(report, ".csv"), arguments.Input))
        {
            await error.WriteLineAsync($"The per-ticket CSV would overwrite the input {arguments.Input}: name the report otherwise (--report).");
            return 2;
        }
        IReadOnlyList<ReplayTicket> tickets;
        try
        {
            tickets = arguments.Select(ReplayInput.Read(arguments.Input));
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or IOException)
        {
            await error.WriteLineAsync($"Cannot read {arguments.Input}: {e.Message}");
            return 2;
        }
        return arguments.DryRun
            ? await DryRun.RunAsync(arguments, tickets, configuration())
            : await LiveReplay.RunAsync(arguments, tickets, configuration());
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
}
