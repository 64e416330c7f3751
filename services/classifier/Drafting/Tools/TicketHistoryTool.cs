using Agents.Classifier.History;
using Agents.Contracts;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Drafting.Tools;

/// <summary>
/// <c>get_ticket_history</c>: the current requester's earlier tickets here and what became of them, from our own table
/// (<see cref="ITicketHistory"/>): when, category, priority, outcome. No text, no ids the model could reuse.
/// </summary>
public sealed class TicketHistoryTool(ITicketHistory history, IOptions<ClassifierOptions> options) : IDraftTool
{
    public string Name => "get_ticket_history";

    public string Description =>
        "The current requester's earlier support tickets (newest first): date, category, priority and what became of each. "
        + "Takes no arguments: it always reads the requester of the ticket you are answering.";

    public string Permission => ToolGrants.Tickets;

    public async Task<object> ReadAsync(TicketReceived ticket, CancellationToken cancellationToken)
    {
        var earlier = await history.EarlierAsync(ticket, options.Value.Drafts.Tools.HistoryItems, cancellationToken);
        return new
        {
            earlier_tickets = earlier.Select(o => new
            {
                date = o.At.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                category = o.Category,
                priority = o.Priority,
                outcome = o.Outcome,
            }),
        };
    }
}
