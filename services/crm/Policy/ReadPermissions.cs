namespace Agents.Crm.Policy;

/// <summary>The reads the permissions file can grant, as the article names them.</summary>
public static class ReadPermissions
{
    /// <summary>A ticket's subject, description and comments, read before it is classified.</summary>
    public const string Tickets = "read:tickets";

    /// <summary>Who asked: the requester's other recent tickets.</summary>
    public const string Customers = "read:customers";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Tickets, Customers };
}
