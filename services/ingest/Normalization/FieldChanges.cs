using System.Text.RegularExpressions;
using Agents.Contracts;

namespace Agents.Ingest.Normalization;

/// <summary>
/// The field changes a vendor's update event reports, in our field names (<see cref="TicketFields"/>): each source
/// says which of its fields it read, this cleans them alike (single-line, bounded, priority in lower case, tags as
/// sorted comma lists) and drops changes that change nothing.
/// </summary>
public static partial class FieldChanges
{
    private const int MaxValueLength = 256;
    private const int MaxTriggeredEventLength = 2048;

    /// <summary>Vendor field names for the fields we compare; anything else is not ours to normalize.</summary>
    public static string? FieldFor(string? vendorField) => vendorField?.Trim().ToLowerInvariant() switch
    {
        "priority" or "hs_ticket_priority" or "ticket_priority" => TicketFields.Priority,
        "tags" or "labels" or "tag" or "label" => TicketFields.Tags,
        "category" or "queue" or "type" or "ticket_type" or "hs_ticket_category" or "component" or "components" => TicketFields.Category,
        "group" or "group_id" or "assignee group" or "team" or "hubspot_team_id" => TicketFields.Group,
        _ => null,
    };

    /// <summary>A change of a set of tags, from the lists before and after (Jira's labels arrive that way).</summary>
    public static FieldChange? TagsChange(IEnumerable<string> before, IEnumerable<string> after)
    {
        var was = new HashSet<string>(before, StringComparer.OrdinalIgnoreCase);
        var now = new HashSet<string>(after, StringComparer.OrdinalIgnoreCase);
        return TagsDelta(now.Except(was), was.Except(now));
    }

    public static FieldChange? TagsDelta(IEnumerable<string> added, IEnumerable<string> removed)
    {
        var to = Join(added);
        var from = Join(removed);
        return to is null && from is null ? null : new FieldChange { Field = TicketFields.Tags, From = from, To = to };
    }

    public static IReadOnlyList<FieldChange> Clean(IReadOnlyList<FieldChange> changes) =>
        changes.Select(c => c with { From = Value(c.Field, c.From), To = Value(c.Field, c.To) })
            .Where(c => c.From != c.To && (c.To is not null || c.Field == TicketFields.Tags && c.From is not null))
            .ToList();

    private static string? Value(string field, string? raw)
    {
        var text = PlainText.Clean(raw, singleLine: true);
        if (text.Length == 0)
            return null;
        text = PlainText.Truncate(text, MaxValueLength, out _);
        return field switch
        {
            TicketFields.Priority => text.ToLowerInvariant(),
            TicketFields.Tags => Join(text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries)),
            _ => text,
        };
    }

    private static string? Join(IEnumerable<string> tags)
    {
        var list = tags.Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? null : string.Join(',', list);
    }

    /// <summary>
    /// Freshdesk's <c>triggered_event</c> placeholder, in its own notation (<c>{priority:{from:3,to:1}}</c>): the
    /// field changes it names. Priorities come as numbers there (1 low … 4 urgent).
    /// </summary>
    public static IReadOnlyList<FieldChange> FromFreshdeskEvent(string? triggeredEvent)
    {
        var changes = new List<FieldChange>();
        // A placeholder is a few dozen characters. A longer one is not Freshdesk's, and the pattern's cost grows with
        // the square of a run of words without a change in it (a 200 KB one held a request past 30 s).
        if (triggeredEvent is null || triggeredEvent.Length > MaxTriggeredEventLength)
            return changes;
        foreach (Match m in FreshdeskChange().Matches(triggeredEvent))
        {
            if (FieldFor(m.Groups["field"].Value) is not { } field)
                continue;
            string from = m.Groups["from"].Value.Trim(' ', '\'', '"'), to = m.Groups["to"].Value.Trim(' ', '\'', '"');
            changes.Add(field == TicketFields.Priority
                ? new FieldChange { Field = field, From = FreshdeskPriority(from), To = FreshdeskPriority(to) }
                : new FieldChange { Field = field, From = from, To = to });
        }
        return changes;
    }

    private static string FreshdeskPriority(string value) => value switch
    {
        "1" => "low",
        "2" => "medium",
        "3" => "high",
        "4" => "urgent",
        _ => value,
    };

    [GeneratedRegex(@"(?<field>[A-Za-z_]+(?: [A-Za-z_]+)*)\s*:\s*\{\s*from\s*:\s*(?<from>[^,}]*)\s*,\s*to\s*:\s*(?<to>[^}]*)\}")]
    private static partial Regex FreshdeskChange();
}
