using System.Globalization;
using System.Text;

namespace Agents.Replay;

/// <summary>Accuracy and a confusion table per labelled field, and a per-ticket CSV.</summary>
public sealed class ReplayReport(IReadOnlyList<ReplayResult> results)
{
    public sealed record FieldAccuracy(string Field, int Labelled, int Correct, IReadOnlyDictionary<(string Expected, string Actual), int> Confusion)
    {
        public double Accuracy => Labelled == 0 ? 0 : (double)Correct / Labelled;
        public double? Goal => AccuracyGoals.For(Field);
        public bool? GoalMet => Goal is { } goal ? Accuracy >= goal : null;

        /// <summary>"60 %: met" or "60 %: not met"; empty for a field without a goal.</summary>
        public string GoalText => Goal is { } goal
            ? string.Create(CultureInfo.InvariantCulture, $"{goal * 100:0} %: {(GoalMet == true ? "met" : "not met")}")
            : "";
    }

    public IReadOnlyList<ReplayResult> Results => results;

    /// <summary>
    /// The drafted replies: how many the model wrote, templates stood in for, or none could be had; how many read in
    /// the ticket's language (its label when the file has one, else the classification's); how many model drafts
    /// validation refused; tool calls per draft attempted.
    /// </summary>
    public sealed record DraftSummary(int Attempted, int Drafted, int Templated, int Skipped, int LanguageMatches, int Refused, int ToolCalls)
    {
        public double LanguageMatchRate => Drafted + Templated == 0 ? 0 : (double)LanguageMatches / (Drafted + Templated);
        public double ToolCallsPerDraft => Attempted == 0 ? 0 : (double)ToolCalls / Attempted;
    }

    public DraftSummary Drafts()
    {
        var drafts = results.Where(r => r.Draft is not null).ToList();
        return new DraftSummary(drafts.Count,
            drafts.Count(r => r.Draft!.By == "llm"),
            drafts.Count(r => r.Draft!.By == "template"),
            drafts.Count(r => r.Draft!.By == "skipped"),
            drafts.Count(r => r.Draft!.Language is { } l && l == (r.Ticket.Language ?? r.Classification.Language)),
            drafts.Count(r => r.Draft!.Refused),
            drafts.Sum(r => r.Draft!.ToolCalls));
    }

    public IReadOnlyList<FieldAccuracy> Accuracy()
    {
        return new[]
        {
            Field("category", r => r.Ticket.Category, r => r.Classification.Category),
            Field("priority", r => r.Ticket.Priority, r => AsLabelled(r.Classification.Priority)),
            Field("language", r => r.Ticket.Language, r => r.Classification.Language),
        }.Where(f => f.Labelled > 0).ToList();
    }

    /// <summary>
    /// The data sets we replay grade priority low/medium/high; our scale adds urgent above high, so where the labels
    /// never say urgent, urgent is read as high.
    /// </summary>
    public string AsLabelled(string priority) => priority == "urgent" && !_labelsHaveUrgent.Value ? "high" : priority;

    private readonly Lazy<bool> _labelsHaveUrgent = new(() => results.Any(r => r.Ticket.Priority == "urgent"));

    private FieldAccuracy Field(string name, Func<ReplayResult, string?> expected, Func<ReplayResult, string> actual)
    {
        var labelled = results.Where(r => expected(r) is not null).ToList();
        var confusion = labelled
            .GroupBy(r => (Expected: expected(r)!, Actual: actual(r)))
            .ToDictionary(g => g.Key, g => g.Count());
        var correct = labelled.Count(r => string.Equals(expected(r), actual(r), StringComparison.OrdinalIgnoreCase));
        return new FieldAccuracy(name, labelled.Count, correct, confusion);
    }

    public string Markdown(string input, bool usedLlm, string? rows = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Replay of {Path.GetFileName(input)}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"{results.Count} tickets{(rows is null ? "" : $" (rows {rows} of the file)")}, dry run, classified by {(usedLlm ? "the LLM (rules as fallback)" : "rules only")}.");
        sb.AppendLine();
        sb.AppendLine("| classified by | tickets | escalated |");
        sb.AppendLine("|---|---|---|");
        foreach (var g in results.GroupBy(r => r.Classification.ClassifiedBy))
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {g.Key} | {g.Count()} | {g.Count(r => r.EscalationReason is not null)} |");
        if (Drafts() is { Attempted: > 0 } d)
        {
            sb.AppendLine();
            sb.AppendLine("## Drafted replies");
            sb.AppendLine();
            sb.AppendLine("| attempted | by the LLM | templated | skipped | language match | refused by validation | tool calls per draft |");
            sb.AppendLine("|---|---|---|---|---|---|---|");
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {d.Attempted} | {d.Drafted} | {d.Templated} | {d.Skipped} | {d.LanguageMatchRate:P1} ({d.LanguageMatches}/{d.Drafted + d.Templated}) | {d.Refused} | {d.ToolCallsPerDraft:0.00} |");
        }
        foreach (var field in Accuracy())
        {
            sb.AppendLine();
            var goal = field.Goal is null ? "" : $", goal {field.GoalText}";
            sb.AppendLine(CultureInfo.InvariantCulture, $"## {field.Field}: {field.Accuracy:P1} ({field.Correct}/{field.Labelled}){goal}");
            sb.AppendLine();
            var actuals = field.Confusion.Keys.Select(k => k.Actual).Distinct().Order(StringComparer.Ordinal).ToList();
            sb.AppendLine("| expected \\ actual | " + string.Join(" | ", actuals) + " |");
            sb.AppendLine("|---|" + string.Concat(actuals.Select(_ => "---|")));
            foreach (var expected in field.Confusion.Keys.Select(k => k.Expected).Distinct().Order(StringComparer.Ordinal))
                sb.AppendLine($"| {expected} | " + string.Join(" | ", actuals.Select(a => field.Confusion.GetValueOrDefault((expected, a)).ToString(CultureInfo.InvariantCulture))) + " |");
        }
        return sb.ToString();
    }

    /// <summary>One line per ticket: id, labels, answers, confidence, escalation. No ticket text.</summary>
    public string Csv() => CsvTable.Write(
        ["id", "expected_category", "category", "expected_priority", "priority", "expected_language", "language", "sentiment",
            "confidence", "classified_by", "escalation", "draft_by", "draft_language", "draft_refused", "tool_calls", "elapsed_ms"],
        results.Select(r => new[]
        {
            r.Ticket.Id, r.Ticket.Category ?? "", r.Classification.Category, r.Ticket.Priority ?? "", r.Classification.Priority,
            r.Ticket.Language ?? "", r.Classification.Language, r.Classification.Sentiment,
            r.Classification.Confidence.ToString("0.00", CultureInfo.InvariantCulture), r.Classification.ClassifiedBy,
            r.EscalationReason ?? "", r.Draft?.By ?? "", r.Draft?.Language ?? "", r.Draft is { Refused: true } ? "yes" : "",
            r.Draft?.ToolCalls.ToString(CultureInfo.InvariantCulture) ?? "", r.Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture),
        }));
}
