using System.Globalization;
using System.Text;

namespace Agents.ServiceDefaults.Shadow;

/// <summary>The <see cref="ShadowReport"/> as Markdown: what the replay prints and appends to its report file.</summary>
public static class ShadowReportMarkdown
{
    public static string Render(ShadowReport report)
    {
        var sb = new StringBuilder();
        void Line(FormattableString text) => sb.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        Line($"# Shadow report (target precision {report.TargetPrecision:0%}, at least {report.MinJudged} judged tickets)");
        if (report.Kinds.Count == 0)
        {
            sb.AppendLine().AppendLine("No settled shadowed proposals.");
            return sb.ToString();
        }
        foreach (var kind in report.Kinds)
        {
            sb.AppendLine();
            Line($"## {kind.Kind}: {Rate(kind.Stats)}");
            sb.AppendLine();
            sb.AppendLine("| | proposals | agreed | disagreed | no human action | agreement (95 % interval) |").AppendLine("|---|---|---|---|---|---|");
            foreach (var source in kind.Sources)
                Row(source.Source, source.Stats);
            foreach (var language in kind.Languages)
                Row("language " + language.Language, language.Stats);
            foreach (var band in kind.ConfidenceBands)
                Row("confidence " + band.Band, band.Stats);
            if (kind.Confusion.Count > 0)
            {
                var people = kind.Confusion.Select(c => c.People).Distinct().Order(StringComparer.Ordinal).ToList();
                sb.AppendLine().AppendLine("| agent \\ people | " + string.Join(" | ", people) + " |");
                sb.AppendLine("|---|" + string.Concat(people.Select(_ => "---|")));
                foreach (var agent in kind.Confusion.Select(c => c.Agent).Distinct().Order(StringComparer.Ordinal))
                    sb.AppendLine($"| {agent} | " + string.Join(" | ", people.Select(p =>
                        kind.Confusion.FirstOrDefault(c => c.Agent == agent && c.People == p)?.Count.ToString(CultureInfo.InvariantCulture) ?? "0")) + " |");
            }
            sb.AppendLine();
            Line($"Suggestion: {kind.Graduation.Text}");
            if (kind.Graduation.PolicyLines is { } lines)
                sb.AppendLine().AppendLine("```yaml").AppendLine(lines).AppendLine("```");
        }
        return sb.ToString();

        void Row(string name, AgreementStats s) =>
            Line($"| {name} | {s.Proposals} | {s.Agreed} | {s.Disagreed} | {s.NoHumanAction} | {Rate(s)} |");
    }

    /// <summary>"92 % (88 %–95 %) of 412 judged", or "no judged proposals".</summary>
    public static string Rate(AgreementStats stats) => stats.Agreement is { } a
        ? string.Create(CultureInfo.InvariantCulture, $"{a:0.0%} ({stats.Low:0.0%}–{stats.High:0.0%}) of {stats.Judged} judged")
        : "no judged proposals";
}
