using System.Globalization;
using Agents.Contracts;
using Agents.ServiceDefaults.Shadow;
using Agents.Writer.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.Shadow;

/// <summary>
/// <c>GET /shadow/report</c> (an approver's token): the shadow report over the settled shadowed proposals, for one
/// kind or all, since a time, at a chosen precision. A suggestion only: nothing here changes the policy. Route:
/// <see cref="WriterApi"/>.
/// </summary>
public static class ShadowEndpoints
{
    public static async Task<Results<Ok<ShadowReport>, ProblemHttpResult>> ReportAsync(string? kind, string? since, double? precision,
        WriterDbContext db, CancellationToken ct)
    {
        if (kind is not null && !WriteKinds.All.Contains(kind))
            return TypedResults.Problem(statusCode: 400, title: $"Unknown write kind '{kind}'.",
                detail: $"Use one of {string.Join(", ", WriteKinds.All.Order(StringComparer.Ordinal))}, or leave kind out for all.");
        DateTimeOffset? from = null;
        if (!string.IsNullOrWhiteSpace(since))
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                return TypedResults.Problem(statusCode: 400, title: $"since '{since}' is not a date.",
                    detail: "Use an ISO 8601 date or time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z.");
            from = parsed;
        }
        if (precision is <= 0 or >= 1)
            return TypedResults.Problem(statusCode: 400, title: "precision must be between 0 and 1 (exclusive).",
                detail: "e.g. precision=0.95 for 95 %.");
        var rows = db.ShadowProposals.AsNoTracking().Where(p => p.SettledAt != null);
        if (kind is not null)
            rows = rows.Where(p => p.Kind == kind);
        if (from is { } f)
            rows = rows.Where(p => p.ProposedAt >= f);
        var settled = await rows.ToListAsync(ct);
        var report = ShadowReportBuilder.Build(settled.Select(p => p.Observation()).OfType<ShadowObservation>(), from,
            precision ?? ShadowReportBuilder.DefaultPrecision);
        return TypedResults.Ok(report);
    }
}
