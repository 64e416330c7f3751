namespace Agents.ServiceDefaults.Shadow;

/// <summary>
/// The shadow report: per write kind (and per source within it), how often what the agent would have written matched
/// what people did, and whether the kind earned auto-approval. Built by <see cref="ShadowReportBuilder"/> alike for
/// <c>GET /shadow/report</c>, the page and the replay.
/// </summary>
public sealed record ShadowReport(
    DateTimeOffset? Since,
    double TargetPrecision,
    int MinJudged,
    IReadOnlyList<KindReport> Kinds);

/// <summary>Agreement counts. <see cref="Agreement"/> is agreed / judged (a ticket nobody touched judges nothing).</summary>
public sealed record AgreementStats(int Proposals, int Agreed, int Disagreed, int NoHumanAction, double? Agreement, double Low, double High)
{
    public int Judged => Agreed + Disagreed;
}

public sealed record SourceReport(string Source, AgreementStats Stats);

public sealed record LanguageReport(string Language, AgreementStats Stats);

/// <summary>Confidence from <see cref="From"/> (inclusive) to <see cref="To"/> (exclusive, 1.0 inclusive); "unknown" has neither.</summary>
public sealed record ConfidenceBand(string Band, double? From, double? To, AgreementStats Stats);

/// <summary>One cell of the confusion table: the agent's value against people's.</summary>
public sealed record ConfusionCell(string Agent, string People, int Count);

/// <summary>
/// The lowest confidence from which the judged proposals reached the target precision (at least
/// <see cref="ShadowReport.MinJudged"/> of them), and the share of all the kind's proposals it covers.
/// </summary>
public sealed record ConfidenceThreshold(double MinConfidence, double Agreement, double Low, double High, int Judged, int Proposals, double Coverage);

/// <summary>What the report suggests; never applied by the system. <see cref="PolicyLines"/> is null when it suggests waiting.</summary>
public sealed record Graduation(string Text, string? PolicyLines);

public sealed record KindReport(
    string Kind,
    AgreementStats Stats,
    IReadOnlyList<SourceReport> Sources,
    IReadOnlyList<ConfusionCell> Confusion,
    IReadOnlyList<LanguageReport> Languages,
    IReadOnlyList<ConfidenceBand> ConfidenceBands,
    ConfidenceThreshold? Threshold,
    Graduation Graduation);
