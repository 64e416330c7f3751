using System.Globalization;

namespace Agents.ServiceDefaults.Shadow;

/// <summary>Builds the <see cref="ShadowReport"/> from settled observations: the one piece of code behind every view of it.</summary>
public static class ShadowReportBuilder
{
    /// <summary>The precision a kind must reach before the report suggests auto-approval, unless the reader asks for another.</summary>
    public const double DefaultPrecision = 0.95;

    /// <summary>Fewer judged proposals than this prove nothing: no threshold, no graduation.</summary>
    public const int DefaultMinJudged = 30;

    private static readonly double[] BandEdges = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

    public static ShadowReport Build(IEnumerable<ShadowObservation> observations, DateTimeOffset? since = null,
        double precision = DefaultPrecision, int minJudged = DefaultMinJudged)
    {
        var kinds = observations.GroupBy(o => o.Kind, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Kind(g.Key, g.ToList(), precision, minJudged))
            .ToList();
        return new ShadowReport(since, precision, minJudged, kinds);
    }

    public static AgreementStats Stats(IReadOnlyCollection<ShadowObservation> observations)
    {
        int agreed = observations.Count(o => o.Outcome == ShadowOutcome.Agreed);
        int disagreed = observations.Count(o => o.Outcome == ShadowOutcome.Disagreed);
        var interval = WilsonInterval.Of(agreed, agreed + disagreed);
        return new AgreementStats(observations.Count, agreed, disagreed, observations.Count - agreed - disagreed,
            agreed + disagreed == 0 ? null : (double)agreed / (agreed + disagreed), interval.Low, interval.High);
    }

    private static KindReport Kind(string kind, List<ShadowObservation> all, double precision, int minJudged)
    {
        var threshold = Threshold(all, precision, minJudged);
        return new KindReport(
            kind,
            Stats(all),
            all.GroupBy(o => o.Source, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new SourceReport(g.Key, Stats(g.ToList()))).ToList(),
            all.Where(o => o.Judged)
                .GroupBy(o => (Agent: o.AgentValue.ToLowerInvariant(), People: o.PeopleValue!.ToLowerInvariant()))
                .OrderBy(g => g.Key.Agent, StringComparer.Ordinal).ThenBy(g => g.Key.People, StringComparer.Ordinal)
                .Select(g => new ConfusionCell(g.Key.Agent, g.Key.People, g.Count())).ToList(),
            all.GroupBy(o => string.IsNullOrEmpty(o.Language) ? "unknown" : o.Language, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new LanguageReport(g.Key, Stats(g.ToList()))).ToList(),
            Bands(all),
            threshold,
            Suggest(kind, Stats(all), threshold, precision, minJudged));
    }

    private static List<ConfidenceBand> Bands(List<ShadowObservation> all)
    {
        var bands = new List<ConfidenceBand>();
        for (var i = 0; i < BandEdges.Length - 1; i++)
        {
            double from = BandEdges[i], to = BandEdges[i + 1];
            var last = i == BandEdges.Length - 2;
            var inBand = all.Where(o => o.Confidence is { } c && c >= from && (c < to || last && c <= to)).ToList();
            if (inBand.Count > 0)
                bands.Add(new ConfidenceBand(Format($"{from:0.0}–{to:0.0}"), from, to, Stats(inBand)));
        }
        var unknown = all.Where(o => o.Confidence is null).ToList();
        if (unknown.Count > 0)
            bands.Add(new ConfidenceBand("unknown", null, null, Stats(unknown)));
        return bands;
    }

    /// <summary>
    /// The lowest confidence (of those seen) from which the judged proposals agree at least <paramref name="precision"/>
    /// of the time, over at least <paramref name="minJudged"/> of them: the lowest such floor covers the most traffic.
    /// </summary>
    private static ConfidenceThreshold? Threshold(List<ShadowObservation> all, double precision, int minJudged)
    {
        var judged = all.Where(o => o.Judged && o.Confidence is not null).OrderByDescending(o => o.Confidence!.Value).ToList();
        ConfidenceThreshold? best = null;
        int agreed = 0;
        for (var i = 0; i < judged.Count; i++)
        {
            if (judged[i].Outcome == ShadowOutcome.Agreed)
                agreed++;
            var floor = judged[i].Confidence!.Value;
            // Only where the next one has a lower confidence: a floor admits every proposal at its value.
            if (i + 1 < judged.Count && judged[i + 1].Confidence!.Value == floor)
                continue;
            var n = i + 1;
            var rate = (double)agreed / n;
            if (n < minJudged || rate < precision)
                continue;
            var interval = WilsonInterval.Of(agreed, n);
            var covered = all.Count(o => o.Confidence >= floor);
            best = new ConfidenceThreshold(floor, rate, interval.Low, interval.High, n, covered, (double)covered / all.Count);
        }
        return best;
    }

    private static Graduation Suggest(string kind, AgreementStats stats, ConfidenceThreshold? threshold, double precision, int minJudged)
    {
        if (threshold is null)
        {
            return new Graduation(stats.Judged < minJudged
                ? Format($"{kind}: keep in shadow: {stats.Judged} judged proposals so far, {minJudged} needed")
                : Format($"{kind}: keep in shadow: no confidence floor reaches {precision:0%} agreement ({stats.Agreement:0%} overall over {stats.Judged} tickets)"),
                null);
        }
        var text = Format($"{kind} from confidence {threshold.MinConfidence:0.00}: {threshold.Agreement:0%} agreement over {threshold.Judged} tickets (95 % interval {threshold.Low:0%}–{threshold.High:0%}), covers {threshold.Coverage:0%}");
        var lines = Format($"      write:{kind}: {{ allowed: true, mode: auto, auto_approve_min_confidence: {threshold.MinConfidence:0.00} }}");
        return new Graduation(text, lines);
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
