using Agents.Contracts;

namespace Agents.Classifier.Pipeline;

/// <summary>
/// A ticket's classification, the redacted text that may travel further (proposal excerpts), and why it goes to a
/// person, when it does.
/// </summary>
public sealed record ClassificationResult(Classification Classification, string RedactedSubject, string RedactedBody,
    string? EscalationReason, string? EscalationKind);
