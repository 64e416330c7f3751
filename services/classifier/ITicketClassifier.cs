using Agents.Contracts;

namespace Agents.Classifier;

/// <summary>Turns a ticket's text into a classification. Rules and the LLM both implement it.</summary>
public interface ITicketClassifier
{
    Task<Classification> ClassifyAsync(TicketReceived ticket, CancellationToken cancellationToken);
}
