using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Agents.Faults.Tests;

/// <summary>
/// Each instance's first errors of a scenario, whole, stack trace included: the per-ticket lines of the failure report
/// are cut at 400 characters, which leaves "OperationCanceledException: The operation was canceled. |…" and not where
/// it was thrown. A scenario that failed on a slow CI machine and nowhere else can only be explained from these.
/// One entry per kind of error (logger, exception type and first frame), with how often it came.
/// </summary>
public static partial class FirstErrors
{
    public const int PerInstance = 3;

    private const int MaxEntry = 6000;

    /// <summary>The report's section: each instance's first <see cref="PerInstance"/> kinds of error since <paramref name="since"/>.</summary>
    public static string Describe(string logDirectory, DateTimeOffset since)
    {
        if (!Directory.Exists(logDirectory))
            return "";
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(logDirectory, "*.log").Order(StringComparer.Ordinal))
        {
            var kinds = Of(InstanceLogs.ReadShared(file), since);
            if (kinds.Count == 0)
                continue;
            text.AppendLine($"--- {Path.GetFileNameWithoutExtension(file)}: first errors since {since:HH:mm:ss}, whole");
            foreach (var kind in kinds)
                text.AppendLine($"  ×{kind.Count} (first at {kind.At:HH:mm:ss.fff}) {kind.Entry}");
        }
        return text.Length == 0 ? "" : "First errors of each instance in this scenario (stack traces whole):\n" + text;
    }

    public sealed record Kind(string Signature, DateTimeOffset At, string Entry)
    {
        public int Count { get; set; } = 1;
    }

    /// <summary>The first <see cref="PerInstance"/> kinds of Error or Critical entry at or after <paramref name="since"/>, oldest first.</summary>
    public static IReadOnlyList<Kind> Of(IEnumerable<string> lines, DateTimeOffset since)
    {
        var kinds = new List<Kind>();
        foreach (var line in lines)
        {
            if (Parse(line) is not { } entry || entry.At < since)
                continue;
            var known = kinds.FirstOrDefault(k => k.Signature == entry.Signature);
            if (known is not null)
                known.Count++;
            else if (kinds.Count < PerInstance)
                kinds.Add(new Kind(entry.Signature, entry.At, entry.Text.Length > MaxEntry ? entry.Text[..MaxEntry] + "…" : entry.Text));
        }
        return kinds;
    }

    private sealed record Entry(DateTimeOffset At, string Signature, string Text);

    /// <summary>An Error/Critical entry of either console format the launcher's instances write (compact or JSON).</summary>
    private static Entry? Parse(string line)
    {
        if (line.StartsWith('{'))
            return ParseJson(line);
        // Compact: "<timestamp> <fail|crit> <category>: <message> … <exception, its lines joined by ' | '>".
        var parts = line.Split(' ', 4);
        if (parts.Length < 4 || parts[1] is not ("fail" or "crit")
            || !DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return null;
        var category = parts[2].TrimEnd(':');
        var exception = ExceptionStart().Match(parts[3]);
        var whole = exception.Success ? parts[3][exception.Index..] : "";
        return new Entry(at, Signature(category, whole), $"{parts[1]} {category}: {parts[3].Replace(" | ", "\n      ", StringComparison.Ordinal)}");
    }

    private static Entry? ParseJson(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var level = Text(root, "LogLevel");
            if (level is not ("Error" or "Critical")
                || !DateTimeOffset.TryParse(Text(root, "Timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                return null;
            var category = Text(root, "Category") ?? "";
            var exception = Text(root, "Exception") ?? "";
            return new Entry(at, Signature(category, exception.Replace("\n", " | ", StringComparison.Ordinal)),
                $"{level} {category}: {Text(root, "Message")}\n      {exception.Replace("\n", "\n      ", StringComparison.Ordinal)}");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Logger, exception type and the first frame outside System.*: the same failure at the same place, whatever the
    /// message or ids (every cancellation's first frame is the runtime's ThrowIfCancellationRequested).
    /// </summary>
    private static string Signature(string category, string exception)
    {
        var type = exception.Split(':', 2)[0].Trim();
        var frames = exception.Split(" | ").Select(p => p.Trim()).Where(p => p.StartsWith("at ", StringComparison.Ordinal)).ToList();
        var frame = frames.FirstOrDefault(f => !f.StartsWith("at System.", StringComparison.Ordinal)) ?? frames.FirstOrDefault() ?? "";
        return $"{category}|{type}|{frame}";
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Where the exception starts in a compact line: a dotted type name ending in Exception, then a colon.</summary>
    [GeneratedRegex(@"\b[A-Za-z_][\w.`]*Exception:")]
    private static partial Regex ExceptionStart();
}
