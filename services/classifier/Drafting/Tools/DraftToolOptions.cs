namespace Agents.Classifier.Drafting.Tools;

/// <summary>
/// The read-only tools a drafting model may call (<c>Classifier:Drafts:Tools</c>), and the bounds of one draft's
/// exchange. Which tools exist at all is the permissions file's decision (<see cref="ToolGrants"/>), not this one's.
/// </summary>
public sealed class DraftToolOptions
{
    /// <summary>Whether the model is offered the tools the policy grants (false: it drafts from the ticket alone).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Tool calls per draft; a call beyond them is answered "no more calls" and the model must write.</summary>
    public int MaxCalls { get; set; } = 3;

    /// <summary>Tokens (prompt and answer, every round trip) per draft; a draft that needs more is refused.</summary>
    public int MaxTokens { get; set; } = 6000;

    /// <summary>The whole exchange (every round trip and tool call) must end within this, or the draft call failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Earlier tickets <c>get_ticket_history</c> returns.</summary>
    public int HistoryItems { get; set; } = 5;

    /// <summary>How long a ticket's outcome is kept for the history (then deleted by the retention job).</summary>
    public TimeSpan HistoryWindow { get; set; } = TimeSpan.FromDays(180);
}
