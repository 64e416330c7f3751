using System.Globalization;
using Npgsql;

namespace Agents.Faults.Tests;

/// <summary>
/// Every row the system wrote about some tickets, table by table, in the order it was written: ingest's delivery
/// records, the classifier's step log, the saga rows, their audit trail and the CRM journal. Read when a scenario
/// fails, so its report shows what each service did with each offending ticket.
/// </summary>
public sealed class TicketEvidence
{
    /// <summary>Table (as the report names it) and the query; <c>@ids</c> are the tickets, column 0 the ticket id.</summary>
    private static readonly (string Table, string Sql)[] Queries =
    [
        ("ingest_deliveries", """
            SELECT "ExternalId", "DeliveryKey", "MessageId", "AcceptedAt" FROM ingest_deliveries
            WHERE "Source" = 'generic' AND "ExternalId" = ANY(@ids) ORDER BY "AcceptedAt"
            """),
        ("classifier_steps", """
            SELECT "ExternalId", "At", "Step", "Outcome", "Detail", "DeliveryId", "Model", "LatencyMs", "TraceId" FROM classifier_steps
            WHERE "Source" = 'generic' AND "ExternalId" = ANY(@ids) ORDER BY "Id"
            """),
        ("write_approvals", """
            SELECT "ExternalId", "IdempotencyKey", "CurrentState", "ProposedAt", "UpdatedAt", "DecidedBy", "DecidedAt", "AppliedAt",
                   "DuplicateCount", "SupersededCount", "Confidence", "FailureReason", "Classification" FROM write_approvals
            WHERE "Source" = 'generic' AND "ExternalId" = ANY(@ids) ORDER BY "IdempotencyKey"
            """),
        ("write_audit", """
            SELECT w."ExternalId", w."IdempotencyKey", a."At", a."Action", a."Actor", a."Detail"
            FROM write_audit a JOIN write_approvals w ON w."CorrelationId" = a."CorrelationId"
            WHERE w."Source" = 'generic' AND w."ExternalId" = ANY(@ids) ORDER BY a."Id"
            """),
        ("crm_journal", """
            SELECT "ExternalId", "IdempotencyKey", "AppliedAt", "Changes" FROM crm_journal
            WHERE "Source" = 'generic' AND "ExternalId" = ANY(@ids) ORDER BY "Id"
            """),
    ];

    private readonly Dictionary<string, List<(string Table, string Row)>> _rows = new(StringComparer.Ordinal);

    private TicketEvidence(IReadOnlyList<string> errors) => Errors = errors;

    /// <summary>No rows at all (nothing was read).</summary>
    public static TicketEvidence Empty { get; } = new([]);

    /// <summary>Tables that could not be read (the report says so instead of failing to be written).</summary>
    public IReadOnlyList<string> Errors { get; }

    public IReadOnlyList<(string Table, string Row)> For(string ticket) =>
        _rows.TryGetValue(ticket, out var rows) ? rows : [];

    public static async Task<TicketEvidence> ReadAsync(string connectionString, IReadOnlyCollection<string> tickets)
    {
        var errors = new List<string>();
        var evidence = new TicketEvidence(errors);
        if (tickets.Count == 0)
            return evidence;
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            foreach (var (table, sql) in Queries)
            {
                try
                {
                    await evidence.ReadTableAsync(connection, table, sql, tickets.ToArray());
                }
                catch (NpgsqlException e)
                {
                    errors.Add($"{table}: {e.Message}");
                }
            }
        }
        catch (NpgsqlException e)
        {
            errors.Add($"database: {e.Message}");
        }
        return evidence;
    }

    private async Task ReadTableAsync(NpgsqlConnection connection, string table, string sql, string[] tickets)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("ids", tickets);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var ticket = reader.GetString(0);
            var columns = Enumerable.Range(1, reader.FieldCount - 1)
                .Where(i => !reader.IsDBNull(i))
                .Select(i => $"{reader.GetName(i)}={Format(reader.GetValue(i))}");
            if (!_rows.TryGetValue(ticket, out var rows))
                _rows[ticket] = rows = [];
            rows.Add((table, string.Join(" ", columns)));
        }
    }

    private static string Format(object value) => value switch
    {
        DateTime t => t.ToUniversalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture),
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        string s when s.Contains(' ', StringComparison.Ordinal) => "\"" + s + "\"",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
