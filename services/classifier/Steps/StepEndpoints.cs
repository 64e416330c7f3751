using Agents.Classifier.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agents.Classifier.Steps;

/// <summary>
/// <c>GET /tickets/{source}/{externalId}/steps</c>: what the classifier did with a ticket, step by step (no ticket
/// text, only steps, model, latency, outcome, reasons and trace ids). An operator API: a bearer token from
/// <c>Classifier__Operators__N__Token</c> is required; with none configured it answers 401 to everyone. Route:
/// <see cref="ClassifierApi"/>.
/// </summary>
public static class StepEndpoints
{
    public sealed record StepView(long Id, string Step, DateTimeOffset At, string? Outcome, string? Detail, string? Model,
        double? LatencyMs, long? InputTokens, long? OutputTokens, string? DeliveryId, string? TraceId);

    /// <summary>One ticket's steps, oldest first.</summary>
    public sealed record TicketSteps(string Source, string ExternalId, List<StepView> Steps);

    public static async Task<Results<Ok<TicketSteps>, ProblemHttpResult>> GetAsync(string source, string externalId, int? limit,
        ClassifierDbContext db, CancellationToken ct)
    {
        var steps = await db.Steps.AsNoTracking()
            .Where(s => s.Source == source && s.ExternalId == externalId)
            .OrderBy(s => s.Id)
            .Take(Math.Clamp(limit ?? 500, 1, 5000))
            .Select(s => new StepView(s.Id, s.Step, s.At, s.Outcome, s.Detail, s.Model, s.LatencyMs,
                s.InputTokens, s.OutputTokens, s.DeliveryId, s.TraceId))
            .ToListAsync(ct);
        return steps.Count == 0
            ? TypedResults.Problem(statusCode: 404, title: "No steps recorded for this ticket.")
            : TypedResults.Ok(new TicketSteps(source, externalId, steps));
    }
}
