namespace Agents.Classifier.Rules;

/// <summary>One rule's cue sets, compiled: its score for a ticket is the prior plus every hit times its set's weight.</summary>
public sealed class RuleMatcher
{
    private readonly WeightedRule _rule;
    private readonly (double Weight, TextMatcher Matcher)[] _sets;

    public RuleMatcher(WeightedRule rule)
    {
        _rule = rule;
        _sets = new[] { (rule.Weight, new TextMatcher(rule)) }
            .Concat(rule.Cues.Select(c => (c.Weight, new TextMatcher(c))))
            .ToArray();
    }

    public RuleScore Score(PreparedText text, PreparedText subject, string language)
    {
        var score = _rule.Prior;
        var hits = new List<string>();
        foreach (var (weight, matcher) in _sets)
        {
            var found = matcher.Hits(text, language);
            score += weight * found.Count;
            if (weight > 0) // evidence against a rule is no reason for it
                hits.AddRange(found);
        }
        if (_rule.SubjectBonus != 0)
        {
            foreach (var (weight, matcher) in _sets)
                score += _rule.SubjectBonus * weight * matcher.Hits(subject, language).Count;
        }
        return new RuleScore(score, hits);
    }
}

/// <summary>A rule's score for one ticket and the cues that spoke for it.</summary>
public sealed record RuleScore(double Score, List<string> Hits);
