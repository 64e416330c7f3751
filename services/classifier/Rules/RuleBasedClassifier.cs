using System.Text.Json;
using Agents.Contracts;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Rules;

/// <summary>
/// The rule-based classifier: language by Lingua, category and priority by weighted keyword and pattern rules
/// from the rules file. Always available: it is what the classifier falls back to when the LLM fails or its
/// breaker is open, and the whole classifier when no LLM is configured. Its confidence says how clearly one
/// category won, so unclear tickets escalate to a person.
/// </summary>
public sealed class RuleBasedClassifier
{
    private readonly RuleSet _rules;
    private readonly LanguageDetector _languages;
    private readonly (CategoryRule Rule, RuleMatcher Matcher)[] _categories;
    private readonly (PriorityRule Rule, RuleMatcher Matcher)[] _priorities;
    private readonly TextMatcher _negative;
    private readonly TextMatcher _positive;

    public RuleBasedClassifier(IOptions<ClassifierOptions> options, IHostEnvironment environment)
        : this(Load(Path.Combine(environment.ContentRootPath, options.Value.RulesFile)))
    {
    }

    public RuleBasedClassifier(RuleSet rules)
    {
        _rules = rules;
        _languages = new LanguageDetector(rules.Languages);
        _categories = rules.Categories.Select(c => (c, new RuleMatcher(c))).ToArray();
        _priorities = rules.Priorities.Select(p => (p, new RuleMatcher(p))).ToArray();
        _negative = new TextMatcher(new CueSet { Keywords = rules.NegativeCues });
        _positive = new TextMatcher(new CueSet { Keywords = rules.PositiveCues });
    }

    public RuleSet Rules => _rules;

    public IReadOnlyList<string> Categories => _rules.Categories.Select(c => c.Name).ToList();

    public static RuleSet Load(string path) =>
        JsonSerializer.Deserialize<RuleSet>(File.ReadAllText(path), JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException($"The rules file {path} is empty.");

    /// <summary>The ticket's language only (the LLM path uses it to check the model's answer is plausible).</summary>
    public string DetectLanguage(string text) => _languages.Detect(text).Code;

    public Classification Classify(string subject, string body)
    {
        var raw = $"{subject}\n{body}";
        var text = PreparedText.From(raw);
        var subjectText = PreparedText.From(subject);
        var (language, _) = _languages.Detect(raw);

        var scored = _categories
            .Select(c =>
            {
                var score = c.Matcher.Score(text, subjectText, language);
                return (c.Rule, score.Hits, score.Score);
            })
            .OrderByDescending(x => x.Score)
            .ToList();
        var best = scored.FirstOrDefault();
        var runnerUp = scored.Skip(1).FirstOrDefault();
        var matched = best.Rule is not null && best.Hits.Count > 0;
        var category = matched ? best.Rule!.Name : _rules.DefaultCategory;

        // Confidence grows with the winner's lead over the runner-up: a clear winner can pass the escalation
        // threshold, a close call cannot.
        var lead = matched ? best.Score - runnerUp.Score : 0;
        var confidence = matched ? Math.Clamp(0.45 + 0.12 * lead + 0.03 * best.Hits.Count, 0.3, 0.9) : 0.25;

        var priority = _rules.DefaultPriority;
        var priorityHits = new List<string>();
        foreach (var (rule, matcher) in _priorities) // in file order: the first that reaches its score wins
        {
            var score = matcher.Score(text, subjectText, language);
            if (score.Score >= rule.MinScore)
            {
                priority = rule.Priority;
                priorityHits = score.Hits;
                break;
            }
        }

        var negative = _negative.Hits(text, language).Count;
        var positive = _positive.Hits(text, language).Count;
        var sentiment = negative > positive ? "negative" : positive > negative ? "positive" : "neutral";

        var reason = matched
            ? $"rules: {best.Hits.Count} cue(s) for '{category}' ({string.Join(", ", best.Hits.Take(3))})"
            : "rules: no category cue matched";
        if (priorityHits.Count > 0)
            reason += $"; {priority} priority cue(s): {string.Join(", ", priorityHits.Take(3))}";

        return new Classification
        {
            Category = category,
            Priority = priority,
            Sentiment = sentiment,
            Language = language,
            Confidence = Math.Round(confidence, 2),
            Reason = reason,
            Tags = matched ? best.Rule!.Tags : [],
            ClassifiedBy = "rules",
        };
    }
}
