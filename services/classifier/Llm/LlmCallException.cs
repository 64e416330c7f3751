namespace Agents.Classifier.Llm;

/// <summary>
/// One LLM call failed: timeout, 429, HTTP error, unreachable, or an answer that is not a valid classification.
/// The only exception the breaker counts; <see cref="Outcome"/> is the metric tag, <see cref="Reason"/> the
/// step log's text (never containing ticket text).
/// </summary>
public sealed class LlmCallException(string outcome, string reason, Exception? inner = null)
    : Exception($"LLM call failed ({outcome}): {reason}", inner)
{
    public string Outcome { get; } = outcome;
    public string Reason { get; } = reason;
}
