using Agents.Contracts;

namespace Agents.Replay;

/// <summary>What the classifier made of one ticket, and of its drafted reply (null when none was attempted: escalated, or drafting off).</summary>
public sealed record ReplayResult(ReplayTicket Ticket, Classification Classification, string? EscalationReason, TimeSpan Elapsed,
    ReplayDraft? Draft = null);

/// <summary>
/// A drafted reply as the replay reports it, without its text: who wrote it (<c>llm</c>, <c>template</c> or
/// <c>skipped</c>), the language the draft reads as, whether the model's draft was refused by validation, and the tool
/// calls the model made.
/// </summary>
public sealed record ReplayDraft(string By, string? Language, bool Refused, int ToolCalls);
