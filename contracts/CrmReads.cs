namespace Agents.Contracts;

/// <summary>Reading a ticket from its CRM (hydration).</summary>
public static class CrmReads
{
    /// <summary>The <see cref="TicketEscalated.Reason"/> of a ticket whose text could not be read from its CRM.</summary>
    public const string Unreadable = "crm unreadable";
}
