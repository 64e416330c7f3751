using nietras.SeparatedValues;

namespace Agents.Replay;

/// <summary>
/// CSV through Sep (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks, as ticket bodies do):
/// the replay's input files are read with it, its per-ticket reports written with it.
/// </summary>
public static class CsvTable
{
    /// <summary>
    /// Every record of <paramref name="reader"/>, the header first, as plain strings. The header is read as a
    /// record too, so a file with a repeated column name still reads (Sep refuses those in a header; the first wins).
    /// </summary>
    public static IEnumerable<List<string>> Read(TextReader reader)
    {
        using var csv = Sep.New(',').Reader(o => o with { HasHeader = false, Unescape = true, DisableColCountCheck = true }).From(reader);
        foreach (var row in csv)
        {
            var record = new List<string>(row.ColCount);
            for (var i = 0; i < row.ColCount; i++)
                record.Add(row[i].ToString());
            yield return record;
        }
    }

    /// <summary>A header and rows as CSV text, fields quoted where they need it.</summary>
    public static string Write(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var csv = Sep.New(',').Writer(o => o with { Escape = true }).ToText();
        csv.Header.Add(columns);
        csv.Header.Write();
        foreach (var values in rows)
        {
            using var row = csv.NewRow();
            for (var i = 0; i < columns.Count; i++)
                row[columns[i]].Set(values[i]);
        }
        return csv.ToString();
    }
}
