using System.Text.RegularExpressions;
using Agents.Classifier.Rules;
using Agents.ServiceDefaults.Redaction;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Drafting;

/// <summary>
/// What every draft must pass before it becomes a proposal, whoever wrote it (the model or a template): a length a
/// person would send, the ticket's language, no secret or personal-data pattern the redactor knows (a draft that
/// quotes a card number or a token back is refused, not redacted: the text would read wrong), nothing of its own
/// instructions (a ticket that asks the model to reveal its prompt), and none of the promises the configuration forbids. Refusals name the check, never the text.
/// </summary>
public sealed class DraftValidator
{
    private readonly DraftOptions _options;
    private readonly RuleBasedClassifier _rules;
    private readonly Regex[] _forbidden;

    public DraftValidator(IOptions<ClassifierOptions> options, RuleBasedClassifier rules)
    {
        _options = options.Value.Drafts;
        _rules = rules;
        _forbidden = _options.ForbiddenPromises
            .Select(p => new Regex(p, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200)))
            .ToArray();
    }

    /// <summary>Why the draft may not be proposed (empty: it may).</summary>
    public IReadOnlyList<string> Refusals(string draft, string language)
    {
        var refusals = new List<string>();
        var text = draft.Trim();
        if (text.Length < _options.MinChars)
            refusals.Add($"too short ({text.Length} < {_options.MinChars} characters)");
        if (text.Length > _options.MaxChars)
            refusals.Add($"too long ({text.Length} > {_options.MaxChars} characters)");
        if (text.Length > 0 && _rules.DetectLanguage(text) is var detected && detected != language)
            refusals.Add($"language {detected}, the ticket's is {language}");
        if (DraftPrompt.Sentinels.Any(p => text.Contains(p, StringComparison.OrdinalIgnoreCase)))
            refusals.Add("quotes its instructions");
        if (Enumerable.Range(0, text.Length).Any(i => Placeholders.LengthAt(text, i) > 0))
            refusals.Add("quotes a redaction placeholder");
        var redacted = Redactor.Redact(text);
        if (redacted.Total > 0)
            refusals.Add("contains " + string.Join(", ", redacted.Found.Keys.Select(k => k.ToString().ToLowerInvariant()).Order()));
        for (var i = 0; i < _forbidden.Length; i++)
        {
            if (_forbidden[i].IsMatch(text))
                refusals.Add($"forbidden promise #{i + 1} ({_options.ForbiddenPromises[i]})");
        }
        return refusals;
    }
}
