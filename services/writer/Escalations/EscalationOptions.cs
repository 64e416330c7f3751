namespace Agents.Writer.Escalations;

/// <summary><c>Writer:Escalations</c>: how the inbox links a ticket to its page in its CRM.</summary>
public sealed class EscalationOptions
{
    /// <summary>
    /// Per source, the address of a ticket's page: <c>{id}</c> is the ticket id (escaped), and for ids of the form
    /// <c>owner/repo#n</c> (GitHub) <c>{repo}</c> and <c>{number}</c>. A source not listed takes its vendor's default
    /// where the writer knows the account (<see cref="TicketLinks"/>), else shows no link.
    /// </summary>
    public Dictionary<string, string> TicketLinks { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
