using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Agents.Ingest.Persistence;
using Agents.Ingest.Quarantine;
using Agents.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Agents.Ingest.Unverified;

/// <summary>
/// Keeps a sample of requests that did not prove who sent them, bounded when it is written, not by a later cleanup:
/// at most <c>PerSecond</c> rows a second per instance, each cut to its bounds, each written into the next slot of a
/// ring of <c>MaxRows</c> (a sequence modulo the row count), so a flood overwrites the sample instead of growing it.
/// Written behind the answer; a failed write is the gate's log line, never the sender's problem.
/// </summary>
public sealed class UnverifiedSample : IAsyncDisposable
{
    private readonly IngestDataSource _dataSource;
    private readonly DatabaseGate _gate;
    private readonly UnverifiedSampleOptions _options;
    private readonly IReadOnlyList<string> _secretHeaders;
    private readonly TokenBucketRateLimiter _writes;
    private readonly StatementBatcher<UnverifiedRequest, ValueTuple> _rows;
    private long _notKept;

    public UnverifiedSample(IngestDataSource dataSource, DatabaseGate gate, IOptions<IngestOptions> options)
    {
        _dataSource = dataSource;
        _gate = gate;
        _options = options.Value.UnverifiedSample;
        _secretHeaders = options.Value.Sources.Values.Select(s => s.Header).OfType<string>().ToList();
        var perSecond = Math.Max(1, _options.PerSecond);
        _writes = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
        });
        _rows = StatementBatcher.ForWrites<UnverifiedRequest>(WriteAsync);
    }

    /// <summary>
    /// Keeps this request if the sample's rate allows; then <paramref name="notKept"/> is the number of unverified
    /// requests passed over since the last one kept (the caller logs the kept one, with that number).
    /// </summary>
    public bool TryKeep(string source, int statusCode, string reason, string detail, string? clientAddress,
        IReadOnlyDictionary<string, string> headers, byte[] body, long bodySize, DateTimeOffset receivedAt, out long notKept)
    {
        using (var lease = _writes.AttemptAcquire())
        {
            if (!lease.IsAcquired)
            {
                Interlocked.Increment(ref _notKept);
                notKept = 0;
                return false;
            }
        }
        notKept = Interlocked.Exchange(ref _notKept, 0);
        _rows.Post(new UnverifiedRequest
        {
            Source = Printable(source, 64),
            StatusCode = statusCode,
            Reason = reason,
            Detail = Printable(detail, 300),
            ClientAddress = clientAddress is null ? null : Printable(clientAddress, 64),
            Headers = BoundedHeaders(headers),
            Body = RedactedStart(body),
            BodySize = bodySize,
            ReceivedAt = receivedAt,
        });
        return true;
    }

    /// <summary>
    /// The first <c>MaxBodyBytes</c> of the body, redacted before the cut (a secret cut in half may no longer look
    /// like one) but over a bounded slice, so a stranger's megabyte costs no more than a sampled kilobyte or two.
    /// </summary>
    private byte[] RedactedStart(byte[] body)
    {
        var slice = body.Length > 2 * _options.MaxBodyBytes ? body[..(2 * _options.MaxBodyBytes)] : body;
        var redacted = StoredBodyRedaction.Redact(slice);
        return redacted.Length > _options.MaxBodyBytes ? redacted[.._options.MaxBodyBytes] : redacted;
    }

    /// <summary>The headers as JSON of at most <c>MaxHeaderBytes</c> bytes: secrets removed, then headers left out until it fits.</summary>
    private string BoundedHeaders(IReadOnlyDictionary<string, string> headers)
    {
        var printable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
            printable[Printable(name, 256)] = Printable(value, 1024);
        var safe = HeaderRedaction.Safe(printable, _secretHeaders, _options.MaxHeaderBytes);
        var json = JsonSerializer.Serialize(safe);
        while (Encoding.UTF8.GetByteCount(json) > _options.MaxHeaderBytes && safe.Count > 0)
        {
            safe.Remove(safe.Keys.Last());
            json = JsonSerializer.Serialize(safe);
        }
        return json;
    }

    private Task WriteAsync(IReadOnlyList<UnverifiedRequest> rows)
    {
        return _gate.RunAsync("keeping a sample of unverified requests", async ct =>
        {
            foreach (var row in rows)
            {
                await using var cmd = _dataSource.Source.CreateCommand($"""
                    INSERT INTO ingest_unverified ("Slot", "Source", "StatusCode", "Reason", "Detail", "ClientAddress", "Headers", "Body", "BodySize", "ReceivedAt")
                    VALUES (nextval('{IngestDbContext.UnverifiedSlots}') % $1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
                    ON CONFLICT ("Slot") DO UPDATE SET "Source" = excluded."Source", "StatusCode" = excluded."StatusCode",
                        "Reason" = excluded."Reason", "Detail" = excluded."Detail", "ClientAddress" = excluded."ClientAddress",
                        "Headers" = excluded."Headers", "Body" = excluded."Body", "BodySize" = excluded."BodySize", "ReceivedAt" = excluded."ReceivedAt"
                    """);
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Math.Max(1, _options.MaxRows) });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Source });
                cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = row.StatusCode });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Reason });
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)row.Detail ?? DBNull.Value });
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)row.ClientAddress ?? DBNull.Value });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Headers });
                cmd.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = row.Body });
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.BodySize });
                cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = row.ReceivedAt });
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Cut to <paramref name="max"/> characters, control characters and lone surrogates replaced: a stranger's NUL
    /// would make PostgreSQL refuse the row (and pause the database gate for everyone).
    /// </summary>
    private static string Printable(string text, int max)
    {
        var cut = text.Length <= max ? text : text[..max];
        return cut.Any(c => char.IsControl(c) || char.IsSurrogate(c))
            ? string.Concat(cut.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c))
            : cut;
    }

    public async ValueTask DisposeAsync()
    {
        await _rows.DisposeAsync();
        _writes.Dispose();
    }
}
