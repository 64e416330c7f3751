namespace Agents.Replay;

/// <summary>One ticket of the input file, with its labels when the file has them.</summary>
public sealed record ReplayTicket(string Id, string Subject, string Body, string? Category, string? Priority, string? Language)
{
    public bool HasLabels => Category is not null || Priority is not null || Language is not null;
}
