using System.Globalization;
using System.Text.Json;

namespace Agents.Replay;

/// <summary>
/// Reads tickets from CSV (a header with subject, body and optionally queue/category, priority, language, id) or
/// JSON (an array of objects with the same names).
/// </summary>
public static class ReplayInput
{
    private static readonly string[] CategoryNames = ["category", "queue"];

    public static IReadOnlyList<ReplayTicket> Read(string path) =>
        Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? ReadJson(path) : ReadCsv(path);

    private static List<ReplayTicket> ReadCsv(string path)
    {
        using var reader = new StreamReader(path);
        using var records = CsvTable.Read(reader).GetEnumerator();
        if (!records.MoveNext())
            return [];
        var headers = records.Current.Select((h, i) => (Name: h.Trim().TrimStart('\uFEFF').ToLowerInvariant(), Index: i))
            .GroupBy(h => h.Name).ToDictionary(g => g.Key, g => g.First().Index);
        if (!headers.ContainsKey("body") && !headers.ContainsKey("subject"))
            throw new InvalidDataException("The CSV needs a 'subject' or 'body' column.");

        var tickets = new List<ReplayTicket>();
        while (records.MoveNext())
        {
            var row = records.Current;
            if (row.Count == 1 && row[0].Length == 0)
                continue; // blank line
            tickets.Add(Ticket(name => headers.TryGetValue(name, out var i) && i < row.Count ? Blank(row[i]) : null, tickets.Count + 1));
        }
        return tickets;
    }

    private static List<ReplayTicket> ReadJson(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException("The JSON file must hold an array of tickets.");
        var tickets = new List<ReplayTicket>();
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            tickets.Add(Ticket(name => item.TryGetProperty(name, out var v)
                ? Blank(v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString())
                : null, tickets.Count + 1));
        }
        return tickets;
    }

    /// <summary>One ticket from a row, whatever the format: <paramref name="field"/> reads a named field or null.</summary>
    private static ReplayTicket Ticket(Func<string, string?> field, int number) => new(
        field("id") ?? number.ToString(CultureInfo.InvariantCulture),
        field("subject") ?? "", field("body") ?? "",
        CategoryNames.Select(field).FirstOrDefault(v => v is not null),
        field("priority")?.ToLowerInvariant(), field("language")?.ToLowerInvariant());

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
