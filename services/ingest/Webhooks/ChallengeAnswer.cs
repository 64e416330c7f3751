namespace Agents.Ingest.Webhooks;

/// <summary>The body of a validation handshake's answer: <c>{"challenge":"…"}</c>, the value the vendor sent.</summary>
public sealed record ChallengeAnswer(string Challenge);
