namespace Agents.Ingest.Verification;

/// <summary>What a source needs to check a delivery: its configured secret and options, the clock, the tolerance.</summary>
public sealed record VerificationContext(string Secret, SourceOptions Options, DateTimeOffset Now, TimeSpan Tolerance);
