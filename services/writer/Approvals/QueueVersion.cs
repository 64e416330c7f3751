namespace Agents.Writer.Approvals;

/// <summary>
/// A cheap fingerprint of what waits for a person: the last audit row (every proposal, decision and outcome adds one)
/// and the number of writes waiting; the last change to the escalation inbox (every arrival, copy, claim and close
/// takes a number) and the escalations not closed. The page reloads the part that changed.
/// </summary>
public sealed record QueueVersion(long LastAuditId, int Pending, int Held, long LastEscalationChange = 0, int OpenEscalations = 0)
{
    public string Version => $"{LastAuditId}.{Pending}.{Held}.{LastEscalationChange}.{OpenEscalations}";
}
