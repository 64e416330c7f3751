using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Agents.Cli.Api;

/// <summary>
/// What a verb prints: tables for people, the service's JSON as it came (indented) for <c>--json</c> and scripts,
/// refusals on the error stream with the service's status and reason.
/// </summary>
public sealed class CliOutput(TextWriter output, TextWriter error, string service)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public void Line(string text) => output.WriteLine(text);

    public void Error(string text) => error.WriteLine(text);

    public void Json(ApiAnswer answer) =>
        output.WriteLine(answer.Json is { } json ? JsonSerializer.Serialize(json, Indented) : answer.Text);

    /// <summary>Says what the service refused and why; 1, the exit code of a refused call.</summary>
    public int Refused(ApiAnswer answer)
    {
        error.WriteLine($"{service} answered {answer.Status}: {answer.Problem}");
        return 1;
    }

    /// <summary>Rows under a header, as wide as the terminal; piped output is not wrapped.</summary>
    public void Table(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (!console.Profile.Out.IsTerminal)
            console.Profile.Width = 250;
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
            table.AddColumn(new TableColumn(column));
        var count = 0;
        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => new Text(cell)));
            count++;
        }
        if (count == 0)
            output.WriteLine("(none)");
        else
            console.Write(table);
    }

    /// <summary>A field of a JSON object as text, "" when absent or null (fields the service adds or drops do not break the table).</summary>
    public static string Field(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) ? Text(value) : "";

    /// <summary>A timestamp field as <c>2026-11-20 09:30:00Z</c>.</summary>
    public static string Time(JsonElement item, string name) =>
        DateTimeOffset.TryParse(Field(item, name), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)
            : Field(item, name);

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.Object => string.Join(", ", value.EnumerateObject().Select(p => $"{p.Name}={Text(p.Value)}")),
        _ => value.GetRawText(),
    };
}
