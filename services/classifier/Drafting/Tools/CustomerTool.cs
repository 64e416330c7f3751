using System.Globalization;
using Agents.Contracts;
using Agents.Crm.Reading;

namespace Agents.Classifier.Drafting.Tools;

/// <summary>
/// <c>get_customer</c>: what the ticket's CRM knows of the current requester, through its read side
/// (<see cref="ICrmReader"/>, credentials inside the reader): their other recent tickets with id, subject and status,
/// most recently updated first (<c>Crm:Reading:RecentTickets</c> at most). The requester is the one the CRM records
/// for this ticket, read by the ticket's id; nothing the model or the ticket's text says can point it elsewhere. None
/// of our readers reads a plan (no vendor's ticket API carries one), so the answer has none rather than a guess. Offered
/// only for sources with a configured reader; a refused read (401, 404, 429, 5xx) is <see cref="CrmReadException"/>,
/// which the exchange answers "unavailable".
/// </summary>
public sealed class CustomerTool(IEnumerable<ICrmReader> readers) : IDraftTool
{
    private readonly ICrmReader[] _readers = readers.ToArray();

    public string Name => "get_customer";

    public string Description =>
        "What the CRM knows of the current requester: their other recent tickets (id, subject, status, last update), newest first. "
        + "Takes no arguments: it always reads the requester of the ticket you are answering.";

    public string Permission => ToolGrants.Customers;

    public IReadOnlySet<string> Sources => field ??= _readers.ConfiguredSources();

    public async Task<object> ReadAsync(TicketReceived ticket, CancellationToken cancellationToken)
    {
        var reader = _readers.ConfiguredFor(ticket.Source)
            ?? throw new CrmReadException($"no configured CRM reader for source {ticket.Source}", retryable: false);
        // The ticket as the CRM holds it names its requester (cached: hydration read it moments ago, if it had to).
        var read = await reader.ReadTicketAsync(ticket.ExternalId, cancellationToken);
        var others = await reader.RequesterTicketsAsync(read, cancellationToken);
        return new
        {
            other_tickets = others.Select(t => new
            {
                id = t.Id,
                subject = t.Subject,
                status = t.Status,
                updated = t.UpdatedAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            }),
        };
    }
}
