using Agents.Contracts;

namespace Agents.Classifier.History;

/// <summary>Each handled ticket's outcome, and a requester's earlier ones.</summary>
public interface ITicketHistory
{
    /// <summary>Records (or updates) the outcome of <paramref name="ticket"/>; a ticket without a requester's address is not kept.</summary>
    Task RecordAsync(TicketReceived ticket, Classification classification, string outcome, CancellationToken cancellationToken);

    /// <summary>The requester's other tickets, newest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<TicketOutcome>> EarlierAsync(TicketReceived ticket, int max, CancellationToken cancellationToken);
}
