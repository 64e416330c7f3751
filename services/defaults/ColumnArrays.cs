using Npgsql;

namespace Agents.ServiceDefaults;

/// <summary>
/// Many rows in one statement, a column at a time: <c>INSERT … SELECT * FROM unnest($1::text[], $2::timestamptz[], …)</c>
/// takes one typed array parameter per column, whatever the number of rows, so the statement's text (and its
/// prepared plan) stays the same for a batch of one row or of hundreds.
/// </summary>
public static class ColumnArrays
{
    /// <summary>Adds the next positional parameter: <paramref name="values"/> as one array.</summary>
    public static void AddColumn<T>(this NpgsqlCommand command, IEnumerable<T> values) =>
        command.Parameters.Add(new NpgsqlParameter<T[]> { TypedValue = values.ToArray() });
}
