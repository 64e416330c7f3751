using Agents.Classifier.Llm;
using Agents.Classifier.Persistence;
using Agents.ServiceDefaults.Redaction;
using Agents.Classifier.Rules;
using Agents.Contracts;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Pipeline;

/// <summary>
/// One ticket, start to end: redact, then (with an LLM configured) the content-hash cache, the LLM behind its
/// breaker, and the rules when the LLM is unavailable or fails; then the escalation decision. Every step goes to
/// the <see cref="StepRecorder"/>. Used by the consumer and by the replay tool alike.
/// </summary>
public sealed class TicketClassifier(
    RuleBasedClassifier rules,
    IClassificationCache cache,
    ClassifierMetrics metrics,
    IOptions<ClassifierOptions> options,
    LlmBreaker breaker,
    LlmClient? llm = null) : ITicketClassifier
{
    public const string HydrationReason = "ticket text must be read from the CRM first";

    public IReadOnlyList<string> Taxonomy { get; } =
        options.Value.Taxonomy.Count > 0 ? options.Value.Taxonomy : rules.Categories;

    public bool UsesLlm => llm is not null && options.Value.Llm.Enabled;

    public async Task<Classification> ClassifyAsync(TicketReceived ticket, CancellationToken cancellationToken) =>
        (await ClassifyAsync(ticket, new StepRecorder(ticket), cancellationToken)).Classification;

    /// <param name="unreadable">Why the ticket's text could not be read from its CRM (hydration failed): it escalates as <see cref="CrmReads.Unreadable"/>.</param>
    public async Task<ClassificationResult> ClassifyAsync(TicketReceived ticket, StepRecorder steps, CancellationToken cancellationToken,
        string? unreadable = null)
    {
        steps.Add("received", detail: $"event {ticket.EventKind}");
        var subject = Redactor.Redact(ticket.Subject);
        var body = Redactor.Redact(ticket.Body);
        var found = subject.Found.Concat(body.Found).GroupBy(kv => kv.Key).Select(g => $"{g.Key.ToLowerInvariant()}={g.Sum(kv => kv.Value)}");
        steps.Add("redacted", detail: subject.Total + body.Total == 0 ? "nothing to redact" : string.Join(" ", found));

        if (ticket.NeedsHydration || (subject.Text.Trim().Length == 0 && body.Text.Trim().Length == 0))
        {
            // No text to read: neither the LLM nor the rules can say anything, and no write may be proposed.
            var why = unreadable is not null ? CrmReads.Unreadable : ticket.NeedsHydration ? HydrationReason : "ticket has no text";
            var empty = new Classification
            {
                Category = rules.Rules.DefaultCategory, Priority = rules.Rules.DefaultPriority, Sentiment = "neutral",
                Language = rules.Rules.Languages.FirstOrDefault() ?? "en", Confidence = 0,
                Reason = unreadable is null ? why : $"{why}: {unreadable}", ClassifiedBy = "rules",
            };
            var kind = unreadable is not null ? EscalationReasons.CrmUnreadable
                : ticket.NeedsHydration ? EscalationReasons.NeedsHydration : EscalationReasons.NoText;
            return Finish(steps, empty, subject, body, (why, kind));
        }

        Classification classification;
        if (!UsesLlm)
        {
            classification = rules.Classify(subject.Text, body.Text);
            steps.Add("rules", outcome: "ok", detail: "no LLM configured");
        }
        else
        {
            var hash = ContentHash.Of(subject.Text, body.Text, options.Value.Llm.Model, Taxonomy);
            var (result, hit) = await cache.GetOrClassifyAsync(hash, ct => CallLlmOrRules(subject.Text, body.Text, steps, ct), cancellationToken);
            if (hit)
            {
                metrics.CacheHit();
                steps.Add("cache-hit", outcome: "ok", detail: "same content classified before; LLM not called");
            }
            classification = result;
        }
        return Finish(steps, classification, subject, body, null);
    }

    private async Task<CacheableClassification> CallLlmOrRules(string subject, string body, StepRecorder steps, CancellationToken ct)
    {
        var model = options.Value.Llm.Model;
        var outcome = await breaker.ExecuteAsync(token => llm!.ClassifyAsync(Taxonomy, subject, body, token), ct);
        if (outcome.Succeeded)
        {
            var answer = outcome.Result!;
            steps.Add("llm-request", outcome: "ok", model: answer.Model, latency: answer.Latency,
                inputTokens: answer.InputTokens, outputTokens: answer.OutputTokens);
            return new CacheableClassification(answer.Classification, answer.Model);
        }

        string why;
        if (outcome.Rejected)
            why = "LLM breaker open";
        else
        {
            why = "LLM call failed: " + outcome.Failure!.Reason;
            steps.Add("llm-request", outcome: outcome.Failure.Outcome, model: model, detail: outcome.Failure.Reason);
        }
        var fallback = rules.Classify(subject, body);
        steps.Add("fallback", outcome: "rules", detail: why);
        // Stored too (for the fallback TTL): a duplicate classified later by the recovered LLM could decide differently,
        // and one ticket must not get two outcomes.
        return new CacheableClassification(fallback with { Reason = $"{fallback.Reason} ({why})" }, Fallback: true);
    }

    private ClassificationResult Finish(StepRecorder steps, Classification classification, RedactedText subject, RedactedText body,
        (string Reason, string Kind)? forced)
    {
        metrics.Classified(classification.ClassifiedBy);
        steps.Add("result", outcome: classification.ClassifiedBy,
            detail: $"category={classification.Category} priority={classification.Priority} sentiment={classification.Sentiment} "
                + $"language={classification.Language} confidence={classification.Confidence:0.00}");
        var escalation = forced ?? EscalationPolicy.For(classification, options.Value.EscalationThreshold, UsesLlm);
        if (escalation is { } e)
        {
            metrics.Escalated(e.Kind);
            steps.Add("escalation", outcome: e.Kind, detail: e.Reason);
        }
        return new ClassificationResult(classification, subject.Text, body.Text, escalation?.Reason, escalation?.Kind);
    }
}
