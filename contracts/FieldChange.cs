namespace Agents.Contracts;

/// <summary>
/// A change to one of a ticket's fields, as the CRM's own update event reports it (a Zendesk priority event, a Jira
/// changelog item, a GitHub label, …): what people chose, which the writer's shadow mode compares with what the agent
/// would have written. For <see cref="TicketFields.Tags"/>, <see cref="To"/> lists the tags added and
/// <see cref="From"/> those removed (comma-separated); for the others they are the value after and before.
/// </summary>
public record FieldChange
{
    /// <summary>One of <see cref="TicketFields"/>.</summary>
    public required string Field { get; init; }

    public string? From { get; init; }
    public string? To { get; init; }
}

/// <summary>The ticket fields whose changes ingest normalizes; the names the writes' changes use too.</summary>
public static class TicketFields
{
    public const string Priority = "priority";
    public const string Tags = "tags";

    /// <summary>Category, queue, type: where the ticket is filed.</summary>
    public const string Category = "category";

    /// <summary>The group (team, queue of people) the ticket is assigned to.</summary>
    public const string Group = "group";
}
