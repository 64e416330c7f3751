using System.Collections.Concurrent;
using Agents.Classifier.Drafting.Tools;
using Agents.Classifier.Llm;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Drafting;

/// <summary>
/// The draft-reply stage: the model's reply to the redacted ticket, through the classifier's breaker (a failing model
/// stops being asked for drafts as it stops being asked for classifications), validated; otherwise the reviewed
/// template of the ticket's category and language, or no draft, as configured. It never fails the ticket: whatever
/// happens here, the classification and its proposals go out. Steps name outcomes and reasons, never the text.
/// The model may call the read-only tools the policy grants (<see cref="DraftToolbox"/>), bound to this ticket's
/// requester, within the bounds of one exchange; the breaker covers the whole exchange, tool calls included.
/// </summary>
public sealed class ReplyDrafter(
    IOptions<ClassifierOptions> options,
    ReplyTemplates templates,
    DraftValidator validator,
    LlmBreaker breaker,
    ClassifierMetrics metrics,
    DraftToolbox toolbox,
    DraftMemory memory,
    LlmClient? llm = null)
{
    // A template's verdict depends on its text and language only, and the file is fixed at start, so each is checked
    // once: the check (language detection, redaction, the forbidden promises) ran for every ticket without an LLM
    // (issue #18: CPU per ticket). At most one entry per template and language.
    private readonly ConcurrentDictionary<(string Template, string Language), IReadOnlyList<string>> _templateRefusals = new();

    public bool Enabled => options.Value.Drafts.Enabled;

    /// <summary>What is wrong with the drafting settings, checked at start (a draft may only become a reply or a note).</summary>
    public static string? Misconfigured(DraftOptions drafts) =>
        !Agents.Contracts.WriteKinds.Texts.Contains(drafts.Kind)
            ? $"Classifier:Drafts:Kind is '{drafts.Kind}': it must be {string.Join(" or ", Agents.Contracts.WriteKinds.Texts.Order())}"
            : drafts.Fallback is not ("template" or "none")
                ? $"Classifier:Drafts:Fallback is '{drafts.Fallback}': it must be template or none"
                : null;

    public async Task<Draft?> DraftAsync(TicketReceived ticket, ClassificationResult result, StepRecorder steps, CancellationToken cancellationToken)
    {
        var classification = result.Classification;
        var notes = new List<string>();
        var toolCalls = 0;
        IReadOnlyList<string> findings = [];
        if (llm is not null && options.Value.Llm.Enabled)
        {
            if (memory.Recall(ticket, classification) is { } drafted)
            {
                // An earlier attempt of this delivery paid for it; the model is not asked again (nor counted again).
                steps.Add("draft-request", outcome: "reused", detail: "drafted on an earlier attempt of this delivery");
                return Recorded(drafted, steps);
            }
            var exchange = toolbox.For(ticket, steps);
            var messages = DraftPrompt.Messages(classification, DraftPrompt.LanguageName(classification.Language),
                result.RedactedSubject, Cut(result.RedactedBody, options.Value.Llm.MaxInputChars), exchange is not null);
            var outcome = await breaker.ExecuteAsync(ct => llm.DraftAsync(messages, options.Value.Drafts.MaxOutputTokens, exchange, ct), cancellationToken);
            toolCalls = exchange?.Calls ?? 0;
            findings = exchange?.Findings ?? [];
            notes.AddRange(exchange?.Flags ?? []);
            if (outcome.Succeeded)
            {
                var answer = outcome.Result!;
                steps.Add("draft-request", outcome: "ok", model: answer.Model, latency: answer.Latency,
                    inputTokens: answer.InputTokens, outputTokens: answer.OutputTokens,
                    detail: exchange is null ? null : $"{toolCalls} tool calls");
                var refusals = validator.Refusals(answer.Text, classification.Language).ToList();
                if (exchange is { OverBudget: true })
                    refusals.Add($"over the token budget ({exchange.Tokens} > {options.Value.Drafts.Tools.MaxTokens})");
                if (refusals.Count == 0)
                {
                    var draft = Drafted(new Draft(answer.Text.Trim(), "llm", notes, toolCalls) { Findings = findings }, steps);
                    memory.Keep(ticket, classification, draft);
                    return draft;
                }
                metrics.DraftRefused();
                steps.Add("draft-refused", outcome: "refused", detail: string.Join("; ", refusals));
                notes.Add("the model's draft was refused: " + string.Join("; ", refusals));
            }
            else if (outcome.Rejected)
                notes.Add("LLM breaker open");
            else
            {
                steps.Add("draft-request", outcome: outcome.Failure!.Outcome, model: options.Value.Llm.Model, detail: outcome.Failure.Reason);
                notes.Add("LLM call failed: " + outcome.Failure.Reason);
            }
        }
        else
            notes.Add("no LLM configured");
        return Fallback(result, notes, toolCalls, steps) is { } fallback ? fallback with { Findings = findings } : null;
    }

    private Draft? Fallback(ClassificationResult result, List<string> notes, int toolCalls, StepRecorder steps)
    {
        var classification = result.Classification;
        if (!options.Value.Drafts.UsesTemplates)
            return Skipped(steps, notes, "no template fallback configured");
        if (templates.For(classification.Category, classification.Language) is not { } template)
            return Skipped(steps, notes, $"no template in {classification.Language}");
        var refusals = _templateRefusals.GetOrAdd((template, classification.Language), t => validator.Refusals(t.Template, t.Language));
        if (refusals.Count > 0)
            return Skipped(steps, notes, "the template was refused: " + string.Join("; ", refusals));
        notes.Add($"template reply ({classification.Category}, {classification.Language})");
        return Drafted(new Draft(template, "template", notes, toolCalls), steps);
    }

    private Draft Drafted(Draft draft, StepRecorder steps)
    {
        metrics.Drafted(draft.By);
        return Recorded(draft, steps);
    }

    private static Draft Recorded(Draft draft, StepRecorder steps)
    {
        steps.Add("draft", outcome: draft.By, detail: $"{draft.Text.Length} characters"
            + (draft.Notes.Count > 0 ? "; " + string.Join("; ", draft.Notes) : ""));
        return draft;
    }

    private Draft? Skipped(StepRecorder steps, List<string> notes, string why)
    {
        metrics.Drafted("skipped");
        steps.Add("draft", outcome: "skipped", detail: string.Join("; ", notes.Append(why)));
        return null;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}
