using System.Diagnostics.Metrics;

namespace Agents.Classifier;

/// <summary>The classifier's instruments, on the meter <c>Agents.Classifier</c>.</summary>
public sealed class ClassifierMetrics
{
    public const string MeterName = "Agents.Classifier";

    private readonly Counter<long> _classifications;
    private readonly Counter<long> _transitions;
    private readonly Histogram<double> _llmDuration;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _escalations;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _drafts;
    private readonly Counter<long> _draftRefusals;
    private int _breakerState;

    public ClassifierMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _classifications = meter.CreateCounter<long>("agents.classifier.classifications", "{ticket}", "Tickets classified, by llm or rules.");
        meter.CreateObservableGauge("agents.classifier.breaker.state", () => Volatile.Read(ref _breakerState), null,
            "The LLM breaker: 0 closed, 1 half-open, 2 open.");
        _transitions = meter.CreateCounter<long>("agents.classifier.breaker.transitions", "{transition}", "LLM breaker state changes.");
        _llmDuration = meter.CreateHistogram<double>("agents.classifier.llm.duration", "s", "LLM call duration, by outcome.");
        _tokens = meter.CreateCounter<long>("agents.classifier.llm.tokens", "{token}", "Tokens the LLM reported, input and output.");
        _cacheHits = meter.CreateCounter<long>("agents.classifier.llm.cache_hits", "{ticket}", "Tickets whose content was classified before: no LLM call.");
        _escalations = meter.CreateCounter<long>("agents.classifier.escalations", "{ticket}", "Tickets sent to a person, by reason.");
        _drafts = meter.CreateCounter<long>("agents.classifier.drafts", "{ticket}", "Drafted replies, by llm, template or skipped.");
        _draftRefusals = meter.CreateCounter<long>("agents.classifier.draft_refusals", "{draft}", "Model drafts refused by validation.");
        _duplicates = meter.CreateCounter<long>("agents.classifier.duplicates", "{delivery}",
            "Copies of a delivery whose outcome another copy published: nothing published again.");
    }

    public void Classified(string classifiedBy) => _classifications.Add(1, new KeyValuePair<string, object?>("classified_by", classifiedBy));

    public void BreakerState(int state, string name)
    {
        Volatile.Write(ref _breakerState, state);
        _transitions.Add(1, new KeyValuePair<string, object?>("state", name));
    }

    public void LlmCall(string outcome, TimeSpan duration, long? inputTokens, long? outputTokens)
    {
        _llmDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        if (inputTokens is > 0)
            _tokens.Add(inputTokens.Value, new KeyValuePair<string, object?>("token.type", "input"));
        if (outputTokens is > 0)
            _tokens.Add(outputTokens.Value, new KeyValuePair<string, object?>("token.type", "output"));
    }

    public void CacheHit() => _cacheHits.Add(1);

    public void Duplicate() => _duplicates.Add(1);

    public void Drafted(string by) => _drafts.Add(1, new KeyValuePair<string, object?>("drafted_by", by));

    public void DraftRefused() => _draftRefusals.Add(1);

    public void Escalated(string reasonKind) => _escalations.Add(1, new KeyValuePair<string, object?>("reason", reasonKind));
}
