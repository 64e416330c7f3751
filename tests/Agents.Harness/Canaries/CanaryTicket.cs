namespace Agents.Harness.Canaries;

/// <summary>
/// A ticket with secrets planted in it: <see cref="Secrets"/> are the exact values that must never reach a prompt,
/// a log line, a message or a table. <see cref="Kind"/> says what was planted (for per-kind figures).
/// </summary>
public sealed record CanaryTicket(string Id, string Subject, string Body, IReadOnlyList<string> Secrets, string Kind = "", string Language = "");
