using System.Collections.Concurrent;
using Agents.Contracts;

namespace Agents.Classifier.History;

/// <summary>The history of a single process without a database (the replay tool's dry run, in-process tests).</summary>
public sealed class InMemoryTicketHistory : ITicketHistory
{
    private readonly ConcurrentDictionary<(string, string), TicketOutcome> _outcomes = new();

    public Task RecordAsync(TicketReceived ticket, Classification classification, string outcome, CancellationToken cancellationToken)
    {
        if (RequesterKey.For(ticket.Requester) is { } key)
        {
            _outcomes[(ticket.Source, ticket.ExternalId)] = new TicketOutcome
            {
                Source = ticket.Source, ExternalId = ticket.ExternalId, RequesterKey = key, At = DateTimeOffset.UtcNow,
                Category = classification.Category, Priority = classification.Priority, Outcome = outcome,
            };
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TicketOutcome>> EarlierAsync(TicketReceived ticket, int max, CancellationToken cancellationToken)
    {
        var key = RequesterKey.For(ticket.Requester);
        IReadOnlyList<TicketOutcome> earlier = key is null
            ? []
            : _outcomes.Values.Where(o => o.RequesterKey == key && (o.Source, o.ExternalId) != (ticket.Source, ticket.ExternalId))
                .OrderByDescending(o => o.At).Take(max).ToList();
        return Task.FromResult(earlier);
    }
}
