using Npgsql;

namespace Agents.Faults.Tests;

/// <summary>What the writer's tables say about the tickets of one run (ids starting with a prefix).</summary>
public sealed record WriteLedger(
    IReadOnlyDictionary<string, string> StateByKey,
    IReadOnlyDictionary<string, int> JournalRowsByKey,
    IReadOnlyDictionary<string, int> AppliedAuditsByKey)
{
    /// <summary>Ticket id of an idempotency key <c>source:ticket:kind</c>.</summary>
    public static string TicketOf(string key) => key.Split(':')[1];

    public static async Task<WriteLedger> ReadAsync(string connectionString, string prefix)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var like = $"generic:{prefix}-%";
        var states = await PairsAsync(connection,
            """SELECT "IdempotencyKey", "CurrentState" FROM write_approvals WHERE "IdempotencyKey" LIKE @like""", like);
        var journal = await PairsAsync(connection,
            """SELECT "IdempotencyKey", count(*)::text FROM crm_journal WHERE "IdempotencyKey" LIKE @like GROUP BY 1""", like);
        var applied = await PairsAsync(connection, """
            SELECT w."IdempotencyKey", count(*)::text FROM write_audit a JOIN write_approvals w ON w."CorrelationId" = a."CorrelationId"
            WHERE a."Action" = 'applied' AND w."IdempotencyKey" LIKE @like GROUP BY 1
            """, like);
        return new WriteLedger(states,
            journal.ToDictionary(p => p.Key, p => int.Parse(p.Value)),
            applied.ToDictionary(p => p.Key, p => int.Parse(p.Value)));
    }

    private static async Task<Dictionary<string, string>> PairsAsync(NpgsqlConnection connection, string sql, string like)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("like", like);
        await using var reader = await command.ExecuteReaderAsync();
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
            pairs[reader.GetString(0)] = reader.GetString(1);
        return pairs;
    }
}
