using Agents.Contracts;
using Agents.ServiceDefaults.Shadow;

namespace Agents.Replay;

/// <summary>
/// A labelled file as shadow traffic: the classifier's priority and category are what set-priority and set-category
/// would have written, the file's labels are what people chose. The observations go into the same report builder as
/// the writer's live ones, so a team can judge a write kind before going live.
/// </summary>
public static class ShadowReplay
{
    public const string Source = "replay";

    public static IReadOnlyList<ShadowObservation> Observations(ReplayReport report) =>
        report.Results.SelectMany(r => new[]
        {
            Observation(r, WriteKinds.SetPriority, TicketFields.Priority, report.AsLabelled(r.Classification.Priority), r.Ticket.Priority),
            Observation(r, WriteKinds.SetCategory, TicketFields.Category, r.Classification.Category, r.Ticket.Category),
        }).ToList();

    public static ShadowReport Report(ReplayReport report) => ShadowReportBuilder.Build(Observations(report));

    private static ShadowObservation Observation(ReplayResult r, string kind, string field, string agent, string? people) =>
        new(kind, Source, r.Ticket.Language ?? r.Classification.Language, r.Classification.Confidence, agent, people,
            ShadowValues.Outcome(field, agent, people));
}
