namespace Agents.Classifier.Drafting.Tools;

/// <summary>
/// The read permissions the permissions file grants the classifier (its reader agent): a tool is offered to the model
/// only when the read behind it is granted, so a policy that forbids it leaves the model without even the name.
/// </summary>
public sealed class ToolGrants(IReadOnlySet<string> granted)
{
    /// <summary>The requester's earlier tickets and their outcomes (<c>get_ticket_history</c>).</summary>
    public const string Tickets = "read:tickets";

    /// <summary>The CRM's record of the requester (<c>get_customer</c>).</summary>
    public const string Customers = "read:customers";

    public bool Allows(string permission) => granted.Contains(permission);

    public IReadOnlySet<string> Granted => granted;
}
