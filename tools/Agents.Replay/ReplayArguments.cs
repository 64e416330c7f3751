namespace Agents.Replay;

/// <summary>What the command line asked for: which file, which of its rows, dry run or live, where the report goes.</summary>
public sealed record ReplayArguments
{
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

    /// <summary>The arguments, or null and the reason they are not usable (what <see cref="ReplayCommand"/> would print).</summary>
    public static (ReplayArguments? Arguments, string? Error) Parse(string[] args) => ReplayCommand.Parse(args);

    /// <summary>The tickets these arguments select from the file's.</summary>
    public IReadOnlyList<ReplayTicket> Select(IReadOnlyList<ReplayTicket> tickets) =>
        tickets.Skip(FromRow - 1).Take(ToRow == int.MaxValue ? int.MaxValue : ToRow - FromRow + 1).Take(Limit).ToList();
}
