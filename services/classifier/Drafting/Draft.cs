namespace Agents.Classifier.Drafting;

/// <summary>
/// A validated reply text, who wrote it (<c>llm</c> or <c>template</c>), and what the approver should know about it
/// (why a template stands in for the model, what the model's draft was refused for).
/// </summary>
public sealed record Draft(string Text, string By, IReadOnlyList<string> Notes);
