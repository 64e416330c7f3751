namespace Agents.Classifier.Drafting;

/// <summary>
/// A validated reply text, who wrote it (<c>llm</c> or <c>template</c>), and what the approver should know about it
/// (why a template stands in for the model, what the model's draft was refused for, what its tools found, what it
/// tried and was refused), and how many tool calls the model made for it. <see cref="Findings"/> (what the tools
/// returned, redacted) go to the approver with the proposal, never to the step log: they are content.
/// </summary>
public sealed record Draft(string Text, string By, IReadOnlyList<string> Notes, int ToolCalls = 0)
{
    public IReadOnlyList<string> Findings { get; init; } = [];
}
