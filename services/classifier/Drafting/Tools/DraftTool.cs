using Agents.Contracts;

namespace Agents.Classifier.Drafting.Tools;

/// <summary>
/// One read-only tool a drafting model may call. It takes no arguments: the ticket it reads for is bound by the service
/// (<paramref name="ticket"/> in <see cref="ReadAsync"/>), so the model can ask about the current requester and no one
/// else, and never holds an address, an id or a credential. What it returns is redacted before the model sees it.
/// </summary>
public interface IDraftTool
{
    /// <summary>The function name the model sees (<c>get_ticket_history</c>).</summary>
    string Name { get; }

    /// <summary>What the model is told the tool does.</summary>
    string Description { get; }

    /// <summary>The read permission the policy must grant for the tool to be offered.</summary>
    string Permission { get; }

    /// <summary>
    /// The ticket sources the tool can read for (a CRM reader with its credentials configured), or null for every
    /// source: a tool that could only fail for a ticket is not offered for it.
    /// </summary>
    IReadOnlySet<string>? Sources => null;

    /// <summary>The tool's answer about <paramref name="ticket"/>'s requester, as JSON (redacted by the caller).</summary>
    Task<object> ReadAsync(TicketReceived ticket, CancellationToken cancellationToken);
}
