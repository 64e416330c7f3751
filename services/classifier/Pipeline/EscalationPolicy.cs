using Agents.Contracts;

namespace Agents.Classifier.Pipeline;

/// <summary>When a person decides instead of automatic proposals: urgent tickets and unsure classifications.</summary>
public static class EscalationPolicy
{
    /// <summary>
    /// Urgent first; then an unsure answer. With an LLM configured, a rules answer means the LLM did not give one
    /// (breaker open, call failed, or a fallback answer from then, cached): such a ticket is filed as "LLM down", so a
    /// person sees why the machine was unsure.
    /// </summary>
    public static (string Reason, string Kind)? For(Classification classification, double threshold, bool llmConfigured)
    {
        if (classification.Priority == "urgent")
            return ("priority is urgent", EscalationReasons.Urgent);
        if (classification.Confidence >= threshold)
            return null;
        var figures = $"confidence {classification.Confidence:0.00} below {threshold:0.00} ({classification.ClassifiedBy})";
        return llmConfigured && classification.ClassifiedBy == "rules"
            ? ($"LLM unavailable, the rules answered: {figures}", EscalationReasons.LlmDown)
            : (figures, EscalationReasons.LowConfidence);
    }
}
