using System.Globalization;

namespace Agents.Replay;

/// <summary>The command line: which file, which of its rows, dry run or live, where the report goes.</summary>
public sealed record ReplayArguments
{
    public const string Usage = """
        usage: replay --input FILE(.csv|.json) [--dry-run] [--rows FROM-TO] [--limit N] [--report FILE.md]
                      [--ingest URL] [--concurrency N] [--id-prefix PREFIX]
          --dry-run      classify in process with the service's rules and LLM settings; nothing is sent or stored
          (no --dry-run) send every ticket to ingest's POST /webhooks/generic, signed with Replay__IngestSecret
          --rows 351-700 only these tickets of the file (1-based, inclusive), e.g. a held-out part
          --ingest       ingest's base URL (default Replay__IngestUrl, http://127.0.0.1:5001)
          --id-prefix    ticket ids are PREFIX-<row id> (default: the file name without extension)
        """;

    public required string Input { get; init; }
    public bool DryRun { get; init; }
    public string? Report { get; init; }
    public int Limit { get; init; } = int.MaxValue;
    public int FromRow { get; init; } = 1;
    public int ToRow { get; init; } = int.MaxValue;
    public string? IngestUrl { get; init; }
    public int? Concurrency { get; init; }
    public string? IdPrefix { get; init; }

    /// <summary>"351-700" when --rows selected part of the file, else null.</summary>
    public string? Rows => FromRow > 1 || ToRow < int.MaxValue ? $"{FromRow}-{ToRow}" : null;

    /// <summary>The arguments, or null and the reason they are not usable.</summary>
    public static (ReplayArguments? Arguments, string? Error) Parse(string[] args)
    {
        string? input = null, report = null, ingest = null, prefix = null;
        bool dryRun = false;
        int limit = int.MaxValue, from = 1, to = int.MaxValue;
        int? concurrency = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--dry-run": dryRun = true; continue;
                case "--input" when value is not null: input = value; break;
                case "--report" when value is not null: report = value; break;
                case "--ingest" when value is not null: ingest = value; break;
                case "--id-prefix" when value is not null: prefix = value; break;
                case "--limit" when Positive(value) is { } n: limit = n; break;
                case "--concurrency" when Positive(value) is { } c: concurrency = c; break;
                case "--rows" when Range(value) is { } r: (from, to) = r; break;
                default: return (null, $"Unknown or incomplete argument '{args[i]}'.");
            }
            i++;
        }
        if (input is null)
            return (null, "--input is required.");
        if (dryRun && (ingest is not null || prefix is not null || concurrency is not null))
            return (null, "--ingest, --concurrency and --id-prefix are for the live replay, not --dry-run.");
        return (new ReplayArguments
        {
            Input = input, DryRun = dryRun, Report = report, Limit = limit, FromRow = from, ToRow = to,
            IngestUrl = ingest, Concurrency = concurrency, IdPrefix = prefix,
        }, null);
    }

    /// <summary>The tickets these arguments select from the file's.</summary>
    public IReadOnlyList<ReplayTicket> Select(IReadOnlyList<ReplayTicket> tickets) =>
        tickets.Skip(FromRow - 1).Take(ToRow == int.MaxValue ? int.MaxValue : ToRow - FromRow + 1).Take(Limit).ToList();

    private static int? Positive(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static (int From, int To)? Range(string? value)
    {
        var parts = value?.Split('-');
        return parts is [var a, var b] && Positive(a) is { } from && Positive(b) is { } to && from <= to ? (from, to) : null;
    }
}
