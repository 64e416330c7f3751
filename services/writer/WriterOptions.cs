namespace Agents.Writer;

/// <summary>The <c>Writer</c> configuration section.</summary>
public sealed class WriterOptions
{
    public const string Section = "Writer";

    /// <summary>How long a proposal waits for a decision before it expires.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromHours(72);

    /// <summary>journal (default), zendesk or hubspot.</summary>
    public string CrmAdapter { get; set; } = "journal";
}
