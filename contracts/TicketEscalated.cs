namespace Agents.Contracts;

/// <summary>A ticket a person must look at: low confidence or urgent. No automatic write is proposed for it.</summary>
public record TicketEscalated
{
    public required string Source { get; init; }
    public required string ExternalId { get; init; }
    public required string Reason { get; init; }
    public required Classification Classification { get; init; }
}
