namespace Agents.Writer.Approvals;

/// <summary>
/// Approvers and their tokens, from configuration (<c>Approvers__0__Name</c>, <c>Approvers__0__Token</c>).
/// No approver configured means no one can decide: the API is closed by default.
/// </summary>
public sealed class ApproverOptions : Agents.ServiceDefaults.Security.NamedToken
{
    public const string Section = "Approvers";
}
