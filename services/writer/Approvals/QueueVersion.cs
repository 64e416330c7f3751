namespace Agents.Writer.Approvals;

/// <summary>
/// A cheap fingerprint of the approval queue: the last audit row (every proposal, decision and outcome adds one)
/// and the number of writes waiting. The page reloads when it changes.
/// </summary>
public sealed record QueueVersion(long LastAuditId, int Pending, int Held)
{
    public string Version => $"{LastAuditId}.{Pending}.{Held}";
}
