namespace Agents.ServiceDefaults.Redaction;

/// <summary>The text with its secrets and personal data replaced, and how many distinct values of each kind were found.</summary>
public sealed record RedactedText(string Text, IReadOnlyDictionary<string, int> Found)
{
    public int Total => Found.Values.Sum();
}
