namespace Agents.Writer.Approvals;

/// <summary>The <c>ApprovalPage</c> configuration section: how the page learns that the queue changed.</summary>
public sealed class ApprovalPageOptions
{
    public const string Section = "ApprovalPage";

    /// <summary>How often one shared query checks the queue for changes while someone watches it.</summary>
    public TimeSpan ChangeCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often an idle event stream says it is still alive (proxies drop silent connections).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}
