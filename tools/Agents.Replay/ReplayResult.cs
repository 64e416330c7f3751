using Agents.Contracts;

namespace Agents.Replay;

/// <summary>What the classifier made of one ticket.</summary>
public sealed record ReplayResult(ReplayTicket Ticket, Classification Classification, string? EscalationReason, TimeSpan Elapsed);
