namespace Agents.Writer.Shadow;

/// <summary>The <c>Writer:Shadow</c> section: when a shadowed proposal's outcome is settled.</summary>
public sealed class ShadowOptions
{
    /// <summary>
    /// How long after a person's change the outcome is settled on the latest change: changes that arrive late or out
    /// of order meanwhile still count. Short: "the first human change decides"; as long as
    /// <see cref="QuietPeriod"/>: "what people settled on".
    /// </summary>
    public TimeSpan SettleAfterChange { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A proposal nobody acted on for this long settles as "no human action".</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How far an echo of our own write may come after it was applied and still be recognised as ours.</summary>
    public TimeSpan EchoWindow { get; set; } = TimeSpan.FromHours(1);
}
