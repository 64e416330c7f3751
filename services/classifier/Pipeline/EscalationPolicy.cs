using Agents.Contracts;

namespace Agents.Classifier.Pipeline;

/// <summary>When a person decides instead of automatic proposals: urgent tickets and unsure classifications.</summary>
public static class EscalationPolicy
{
    public static (string Reason, string Kind)? For(Classification classification, double threshold) =>
        classification.Priority == "urgent" ? ("priority is urgent", "urgent")
        : classification.Confidence < threshold
            ? ($"confidence {classification.Confidence:0.00} below {threshold:0.00} ({classification.ClassifiedBy})", "low_confidence")
        : null;
}
