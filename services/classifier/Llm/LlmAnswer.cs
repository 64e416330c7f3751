using Agents.Contracts;

namespace Agents.Classifier.Llm;

/// <summary>A valid classification from the model, with what the call cost.</summary>
public sealed record LlmAnswer(Classification Classification, string Model, TimeSpan Latency, long? InputTokens, long? OutputTokens);

/// <summary>Free text from the model (a drafted reply), not yet validated, with what the call cost.</summary>
public sealed record LlmText(string Text, string Model, TimeSpan Latency, long? InputTokens, long? OutputTokens);
