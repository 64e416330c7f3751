namespace Agents.Crm.Reading;

/// <summary>
/// The read side of one CRM: a ticket by id (subject, description, latest comments), and its requester's other recent
/// tickets. Read-only by construction: an implementation sends GETs (and HubSpot's batch reads) only. Its credentials
/// are on its named HttpClient (<see cref="CrmClients"/>); nothing it returns or throws carries them.
/// </summary>
public interface ICrmReader
{
    /// <summary>The vendor (<c>hubspot</c>), also the name of its HttpClient and rate limit.</summary>
    string Name { get; }

    /// <summary>The ticket sources whose records live in this CRM.</summary>
    IReadOnlySet<string> Sources { get; }

    /// <summary>What this reader lacks to work at all (credentials), or null.</summary>
    string? MissingSettings { get; }

    /// <exception cref="CrmReadException">The CRM refused, failed or answered something that is not a ticket.</exception>
    Task<CrmTicket> ReadTicketAsync(string externalId, CancellationToken cancellationToken);

    /// <summary>The requester's other tickets, most recently updated first (none when the ticket names no requester).</summary>
    Task<IReadOnlyList<CrmTicketSummary>> RequesterTicketsAsync(CrmTicket ticket, CancellationToken cancellationToken);
}
