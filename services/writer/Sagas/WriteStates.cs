namespace Agents.Writer.Sagas;

/// <summary>The saga's state names as stored in <c>write_approvals."CurrentState"</c> and answered by the API.</summary>
public static class WriteStates
{
    public const string AwaitingApproval = nameof(AwaitingApproval);
    public const string HeldForBulkReview = nameof(HeldForBulkReview);
    public const string Applying = nameof(Applying);
    public const string Applied = nameof(Applied);
    public const string Rejected = nameof(Rejected);
    public const string Expired = nameof(Expired);
    public const string Failed = nameof(Failed);
    public const string Refused = nameof(Refused);

    /// <summary>A write of a kind in shadow mode: recorded for the shadow report, never shown for approval, never applied.</summary>
    public const string Shadowed = nameof(Shadowed);

    /// <summary>States in which a person still has to act; the expiry sweeper and the pending gauges look at these.</summary>
    public static readonly string[] WaitingForAPerson = [AwaitingApproval, HeldForBulkReview];
}
