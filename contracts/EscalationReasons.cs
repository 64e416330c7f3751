namespace Agents.Contracts;

/// <summary>Why a ticket went to a person (<see cref="TicketEscalated.ReasonKind"/>): one word each, for filters and metrics.</summary>
public static class EscalationReasons
{
    /// <summary>The classification says urgent.</summary>
    public const string Urgent = "urgent";

    /// <summary>The classification's confidence is below the threshold.</summary>
    public const string LowConfidence = "low_confidence";

    /// <summary>The LLM is configured but did not answer (breaker open, call failed), and the rules were unsure.</summary>
    public const string LlmDown = "llm_down";

    /// <summary>The ticket has no text to classify.</summary>
    public const string NoText = "no_text";

    /// <summary>The vendor sent ids only and the text was not read from the CRM.</summary>
    public const string NeedsHydration = "needs_hydration";

    /// <summary>The ticket's text could not be read from its CRM within the read budget.</summary>
    public const string CrmUnreadable = "crm_unreadable";

    /// <summary>A message that named no reason kind.</summary>
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [Urgent, LowConfidence, LlmDown, NoText, NeedsHydration, CrmUnreadable, Other];
}
