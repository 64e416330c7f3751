namespace Agents.Classifier.Hydration;

/// <summary><c>Classifier:Hydration</c>: how hard a ticket's text is read from its CRM before it is escalated unread.</summary>
public sealed class HydrationOptions
{
    /// <summary>Reads of one ticket before it escalates as <c>crm unreadable</c>.</summary>
    public int Attempts { get; set; } = 4;

    /// <summary>Wait after the first failed read; doubles each time (the vendor's Retry-After wins when longer).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single wait, whatever Retry-After asks: the message is held while it waits.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The ticket text given to the classifier at most (description and comments together).</summary>
    public int MaxTextLength { get; set; } = 20_000;
}
