using Agents.Contracts;

namespace Agents.Classifier.Llm;

/// <summary>A valid classification from the model, with what the call cost.</summary>
public sealed record LlmAnswer(Classification Classification, string Model, TimeSpan Latency, long? InputTokens, long? OutputTokens);
