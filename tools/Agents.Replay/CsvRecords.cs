using System.Text;

namespace Agents.Replay;

/// <summary>
/// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks (ticket bodies do). A small
/// reader (and field quoting for the reports) of our own: the CsvHelper version on the feed changed its API completely.
/// </summary>
public static class CsvRecords
{
    /// <summary>A field as a CSV writer must write it: quoted when it holds a comma, quote or line break.</summary>
    public static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    public static IEnumerable<List<string>> Read(TextReader reader)
    {
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            any = true;
            var ch = (char)c;
            if (quoted)
            {
                if (ch != '"')
                    field.Append(ch);
                else if (reader.Peek() == '"')
                    field.Append((char)reader.Read());
                else
                    quoted = false;
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    record.Add(field.ToString());
                    field.Clear();
                    yield return record;
                    record = [];
                    any = false;
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }
        if (any)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
