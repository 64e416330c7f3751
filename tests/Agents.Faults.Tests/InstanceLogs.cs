using System.Text.Json;
using System.Text.RegularExpressions;

namespace Agents.Faults.Tests;

/// <summary>
/// The instances' log lines (one per entry, compact or JSON; Warning and above in fault runs) that name one of a
/// run's tickets: retries, dead letters, step logs that could not be written. They are the only trace of what a service did when
/// its database was the thing that failed.
/// </summary>
public static class InstanceLogs
{
    public const int PerTicket = 25;

    /// <summary>Lines naming any of <paramref name="tickets"/> (ids <c>{prefix}-{n}</c>), per ticket, oldest first.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Naming(string logDirectory, string prefix, IReadOnlySet<string> tickets)
    {
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (tickets.Count == 0 || !Directory.Exists(logDirectory))
            return new Dictionary<string, IReadOnlyList<string>>();
        // The id followed by anything but a digit: prefix-12 must not match prefix-120.
        var id = new Regex(Regex.Escape(prefix) + @"-\d+(?!\d)", RegexOptions.CultureInvariant);
        foreach (var file in Directory.EnumerateFiles(logDirectory, "*.log").Order(StringComparer.Ordinal))
        {
            foreach (var line in ReadShared(file))
            {
                foreach (var ticket in id.Matches(line).Select(m => m.Value).Distinct())
                {
                    if (!tickets.Contains(ticket))
                        continue;
                    if (!found.TryGetValue(ticket, out var lines))
                        found[ticket] = lines = [];
                    if (lines.Count < PerTicket)
                        lines.Add($"{Path.GetFileNameWithoutExtension(file)}: {Summary(line)}");
                }
            }
        }
        return found.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value, StringComparer.Ordinal);
    }

    /// <summary>Time, level and message of a JSON log line (the exception's first line, if any); other lines as they are.</summary>
    public static string Summary(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var text = $"{Text(root, "Timestamp")?.Trim()} {Text(root, "LogLevel")} {Text(root, "Message")}";
            if (Text(root, "Exception") is { } exception)
                text += " — " + exception.Split('\n')[0];
            return text.Length > 400 ? text[..400] + "…" : text;
        }
        catch (JsonException)
        {
            return line.Length > 400 ? line[..400] + "…" : line;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    // The launcher may still be appending (instances run until the fixture ends).
    public static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
            yield return line;
    }
}
