using Agents.Ingest.Requests;
using System.Text.Json;
using Agents.Ingest.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agents.Ingest.Quarantine;

/// <summary>
/// Keeps refused bodies of verified deliveries where an operator can read and replay them (a request that has not
/// proven who sent it never gets here: see <see cref="Unverified.UnverifiedSample"/>). Never in the way of the answer:
/// a failed write is logged (with the source and reason, never the body) and the sender still gets its 4xx.
/// </summary>
public sealed class QuarantineStore(
    IDbContextFactory<IngestDbContext> contexts, DatabaseGate gate, IngestMetrics metrics,
    IOptions<IngestOptions> options, ILogger<QuarantineStore> logger)
{
    public async Task KeepAsync(QuarantineEntry entry, CancellationToken cancellationToken)
    {
        var row = new QuarantinedWebhook
        {
            Source = entry.Source,
            Reason = entry.Reason,
            StatusCode = entry.StatusCode,
            Detail = entry.Detail is { Length: > 2000 } d ? d[..2000] : entry.Detail,
            Headers = JsonSerializer.Serialize(HeaderRedaction.Safe(entry.Headers, SecretHeaders())),
            // Kept redacted like everything else we store: a replay gives the ticket the original would have.
            Body = StoredBodyRedaction.Redact(entry.Body),
            BodySize = entry.BodySize ?? entry.Body.Length,
            BodyTruncated = entry.BodySize > entry.Body.Length,
            SignatureVerified = entry.SignatureVerified,
            ReceivedAt = entry.ReceivedAt,
        };
        // The request may be gone (the sender hung up after its body); the row must still be written.
        var saved = await gate.RunAsync("quarantining a refused webhook", async ct =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            db.Quarantine.Add(row);
            await db.SaveChangesAsync(ct);
            // The row cap holds at every insert, not only at the next cleanup: ids only grow, so the rows older than
            // the newest QuarantineMaxRows are these (an index range, usually one row or none).
            await db.Quarantine.Where(q => q.Id <= row.Id - options.Value.QuarantineMaxRows).ExecuteDeleteAsync(ct);
            return true;
        }, false, CancellationToken.None);
        if (saved)
        {
            metrics.Quarantined(entry.Source, entry.Reason);
            logger.LogInformation("Quarantined {Source} webhook as {Reason} (id {QuarantineId}, {Bytes} bytes)", entry.Source, entry.Reason, row.Id, row.BodySize);
        }
        else
        {
            logger.LogError("Could not quarantine {Source} webhook refused as {Reason} ({Bytes} bytes): the database is unavailable", entry.Source, entry.Reason, row.BodySize);
        }
    }

    private IEnumerable<string> SecretHeaders() =>
        options.Value.Sources.Values.Select(s => s.Header).OfType<string>();
}

/// <summary>A refused delivery on its way to the quarantine table.</summary>
public sealed record QuarantineEntry(
    string Source, string Reason, int StatusCode, string? Detail, IReadOnlyDictionary<string, string> Headers,
    byte[] Body, long? BodySize, bool SignatureVerified, DateTimeOffset ReceivedAt)
{
    /// <summary>A verified delivery refused: the only kind the quarantine keeps.</summary>
    public static QuarantineEntry From(WebhookRequest request, string reason, int statusCode, string? detail) =>
        new(request.Source, reason, statusCode, detail, request.Headers, request.Body, null, SignatureVerified: true, request.ReceivedAt);
}

public static class QuarantineReasons
{
    public const string Malformed = "malformed";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string NoTicketIdentity = "no_ticket_identity";
    public const string RateLimited = "rate_limited";
    public const string Deferred = "deferred";

    public static string For(int statusCode) => statusCode switch
    {
        400 => Malformed,
        415 => UnsupportedMediaType,
        422 => NoTicketIdentity,
        429 => RateLimited,
        _ => Deferred,
    };
}
