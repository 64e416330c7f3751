using Agents.Ingest.Requests;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Agents.Ingest.Persistence;
using Agents.Ingest.Sources;
using Agents.Ingest.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Agents.Ingest.Quarantine;

/// <summary>
/// The operator's view of refused deliveries: list, read, replay. Replay runs the stored body through the same
/// parsing, duplicate check and publish as a live delivery, without the signature check: the headers kept have no
/// signature, and the timestamp would be stale anyway. That is safe because of what is stored: only bodies refused
/// after their signature was verified (400, 415, 422, 429, 503). Rows kept by earlier versions before verification
/// replay only with <c>?force=true</c>, which records the operator who vouched for them; a truncated body cannot be
/// replayed. Requests that never proved who sent them are not here: <c>GET /quarantine/unverified</c> shows the
/// bounded sample kept of them, which cannot be replayed. Routes: <see cref="IngestApi"/>.
/// </summary>
public static class QuarantineEndpoints
{
    /// <summary>GET /quarantine: refused deliveries, newest first.</summary>
    public static async Task<Ok<List<QuarantineSummary>>> ListAsync(IDbContextFactory<IngestDbContext> contexts, string? source, string? reason,
        int? limit, long? before, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Quarantine.AsNoTracking();
        if (source is not null) query = query.Where(q => q.Source == source);
        if (reason is not null) query = query.Where(q => q.Reason == reason);
        if (before is not null) query = query.Where(q => q.Id < before);
        var rows = await query.OrderByDescending(q => q.Id).Take(Math.Clamp(limit ?? 100, 1, 1000))
            .Select(q => new QuarantineSummary(q.Id, q.Source, q.Reason, q.StatusCode, q.Detail, q.BodySize, q.BodyTruncated,
                q.SignatureVerified, q.ReceivedAt, q.ReplayedAt, q.ReplayResult))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows);
    }

    /// <summary>GET /quarantine/unverified: the sample of unverified requests, newest first.</summary>
    public static async Task<Ok<List<UnverifiedSummary>>> UnverifiedAsync(IDbContextFactory<IngestDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Unverified.AsNoTracking().OrderByDescending(u => u.ReceivedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(u => new UnverifiedSummary(u.Source, u.StatusCode, u.Reason, u.Detail, u.ClientAddress,
            JsonSerializer.Deserialize<Dictionary<string, string>>(u.Headers) ?? [], Utf8.IsValid(u.Body) ? Encoding.UTF8.GetString(u.Body) : null,
            Utf8.IsValid(u.Body) ? null : Convert.ToBase64String(u.Body), u.BodySize, u.ReceivedAt)).ToList());
    }

    /// <summary>GET /quarantine/{id}: one refused delivery with its body and headers.</summary>
    public static async Task<Results<Ok<QuarantineDetail>, ProblemHttpResult>> GetAsync(long id, IDbContextFactory<IngestDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Quarantine.AsNoTracking().FirstOrDefaultAsync(q => q.Id == id, cancellationToken);
        if (row is null)
            return TypedResults.Problem(statusCode: 404, title: "No such quarantined delivery.");
        var text = Utf8.IsValid(row.Body);
        return TypedResults.Ok(new QuarantineDetail(
            new QuarantineSummary(row.Id, row.Source, row.Reason, row.StatusCode, row.Detail, row.BodySize, row.BodyTruncated,
                row.SignatureVerified, row.ReceivedAt, row.ReplayedAt, row.ReplayResult),
            JsonSerializer.Deserialize<Dictionary<string, string>>(row.Headers) ?? [],
            text ? Encoding.UTF8.GetString(row.Body) : null,
            text ? null : Convert.ToBase64String(row.Body),
            row.ReplayedBy));
    }

    /// <summary>POST /quarantine/{id}/replay[?force=true].</summary>
    public static async Task<Results<Ok<ReplayAnswer>, ProblemHttpResult>> ReplayAsync(long id, bool? force, HttpContext http, IDbContextFactory<IngestDbContext> contexts,
        IEnumerable<IWebhookSource> sources, WebhookPipeline pipeline, TimeProvider clock, ILogger<QuarantinedWebhook> logger)
    {
        var cancellationToken = http.RequestAborted;
        var operatorName = http.User.Identity!.Name!;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Quarantine.FirstOrDefaultAsync(q => q.Id == id, cancellationToken);
        if (row is null)
            return TypedResults.Problem(statusCode: 404, title: "No such quarantined delivery.");
        if (row.BodyTruncated)
            return TypedResults.Problem(statusCode: 409, title: "Only the start of this body was kept; it cannot be replayed.");
        if (!row.SignatureVerified && force != true)
            return TypedResults.Problem(statusCode: 409, title: "This body was refused before its signature was checked.",
                detail: "Replay it only if you know where it came from: POST …/replay?force=true (recorded with your name).");
        var source = sources.Named(row.Source);
        if (source is null)
            return TypedResults.Problem(statusCode: 409, title: $"Source '{row.Source}' is not known to this ingest.");

        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Headers) ?? [];
        var request = new WebhookRequest(source.Name, "POST", $"replay:/webhooks/{source.Name}", row.Body, headers, clock.GetUtcNow());
        var result = await pipeline.RunAsync(source, request, cancellationToken);
        var answer = new ReplayAnswer(result.Status, result.Published, result.Duplicates, result.Reason);

        row.ReplayedAt = clock.GetUtcNow();
        row.ReplayedBy = operatorName;
        row.ReplayResult = $"{answer.Status}: published {answer.Published}, duplicates {answer.Duplicates}{(answer.Reason is null ? "" : ", " + answer.Reason)}";
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Operator {Operator} replayed quarantined {Source} webhook {QuarantineId}{Forced}: {Status}",
            operatorName, row.Source, row.Id, force == true ? " (forced)" : "", answer.Status);
        return TypedResults.Ok(answer);
    }
}

public sealed record QuarantineSummary(long Id, string Source, string Reason, int StatusCode, string? Detail, long BodySize,
    bool BodyTruncated, bool SignatureVerified, DateTimeOffset ReceivedAt, DateTimeOffset? ReplayedAt, string? ReplayResult);

public sealed record QuarantineDetail(QuarantineSummary Summary, Dictionary<string, string> Headers, string? Body, string? BodyBase64, string? ReplayedBy);

/// <summary>One sampled unverified request: why it was refused, from where, its headers (secrets removed) and the start of its body.</summary>
public sealed record UnverifiedSummary(string Source, int StatusCode, string Reason, string? Detail, string? ClientAddress,
    Dictionary<string, string> Headers, string? BodyStart, string? BodyStartBase64, long BodySize, DateTimeOffset ReceivedAt);

/// <summary>What a replay did: the status a live delivery would have got, tickets published, duplicates skipped.</summary>
public sealed record ReplayAnswer(int Status, int Published, int Duplicates, string? Reason);
