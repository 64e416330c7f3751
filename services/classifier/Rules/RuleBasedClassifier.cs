using System.Text.Json;
using Agents.Contracts;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Rules;

/// <summary>
/// Keyword rules from the rules file. Always available: it is what the classifier falls back to when the LLM
/// fails or its breaker is open, and the whole classifier when no LLM is configured.
/// </summary>
public sealed class RuleBasedClassifier : ITicketClassifier
{
    private readonly RuleSet _rules;

    public RuleBasedClassifier(IOptions<ClassifierOptions> options, IHostEnvironment environment)
        : this(Load(Path.Combine(environment.ContentRootPath, options.Value.RulesFile)))
    {
    }

    public RuleBasedClassifier(RuleSet rules) => _rules = rules;

    public static RuleSet Load(string path) =>
        JsonSerializer.Deserialize<RuleSet>(File.ReadAllText(path), JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException($"The rules file {path} is empty.");

    public Task<Classification> ClassifyAsync(TicketReceived ticket, CancellationToken cancellationToken)
    {
        var text = $"{ticket.Subject}\n{ticket.Body}".ToLowerInvariant();

        var scored = _rules.Categories
            .Select(c => (rule: c, hits: c.Keywords.Count(k => text.Contains(k, StringComparison.Ordinal))))
            .Where(x => x.hits > 0)
            .OrderByDescending(x => x.hits)
            .ToList();
        var best = scored.FirstOrDefault();
        var runnerUp = scored.Skip(1).FirstOrDefault();
        var category = best.rule?.Name ?? _rules.DefaultCategory;

        // Confidence grows with evidence and shrinks when two categories compete.
        var confidence = best.rule is null
            ? 0.3
            : Math.Min(0.95, 0.6 + 0.1 * best.hits - 0.1 * runnerUp.hits);

        var priority = _rules.Priorities.FirstOrDefault(p => p.Keywords.Any(k => text.Contains(k, StringComparison.Ordinal)))?.Priority
            ?? _rules.DefaultPriority;

        var negative = _rules.NegativeCues.Count(k => text.Contains(k, StringComparison.Ordinal));
        var positive = _rules.PositiveCues.Count(k => text.Contains(k, StringComparison.Ordinal));
        var sentiment = negative > positive ? "negative" : positive > negative ? "positive" : "neutral";

        return Task.FromResult(new Classification
        {
            Category = category,
            Priority = priority,
            Sentiment = sentiment,
            Language = "en",
            Confidence = Math.Round(Math.Max(0.05, confidence), 2),
            Reason = best.rule is null ? "no category keyword matched" : $"{best.hits} keyword(s) of '{category}'",
            Tags = best.rule?.Tags ?? [],
            ClassifiedBy = "rules",
        });
    }
}
