using System.Text;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// The one redactor every text goes through before it may reach a prompt, the bus, a table or a log: ingest's
/// stored ticket text, the classifier's prompt, and later drafted replies and tool results. Each detector (one file
/// each) marks stretches of the original text; overlapping marks merge into one, so no detector can leave half of
/// a value another one found. Each distinct value becomes a placeholder that keeps its kind (<c>[PASSWORD_1]</c>);
/// the same value gets the same placeholder within one call, so the model still sees "the same card twice".
/// Placeholders already in the text are left as they are: redacting twice changes nothing.
/// </summary>
public static class Redactor
{
    private static readonly SecretDetector[] Detectors =
    [
        PrivateKeyBlocks.Find,
        VendorKeys.Find,
        AuthorizationValues.Find,
        UrlSecrets.Find,
        CardNumbers.Find,
        Ibans.Find,
        KeywordProximity.Find,
        CredentialPairs.Find,
        HighEntropyTokens.Find,
        ContactDetails.Find,
    ];

    private static readonly SecretDetector[] SecretDetectors = Detectors.Where(d => d != ContactDetails.Find).ToArray();

    private static readonly System.Buffers.SearchValues<char> Punctuation = System.Buffers.SearchValues.Create(" .,;:!?)]}'\"\n\t");

    public static RedactedText Redact(string? text) => string.IsNullOrEmpty(text)
        ? new RedactedText("", new Dictionary<string, int>())
        : Redact(text, text, contactDetails: true);

    /// <summary>
    /// <paramref name="text"/> redacted where the detectors see secrets in <paramref name="view"/>: a copy of the
    /// same length with some stretches blanked (the markup of an HTML body kept as stored, so "&lt;/p&gt;" is not read as
    /// part of a value the normalizer would see on a line of its own). Without <paramref name="contactDetails"/>,
    /// addresses and phone numbers stay: secrets only.
    /// </summary>
    public static RedactedText Redact(string text, string view, bool contactDetails)
    {
        if (view.Length != text.Length)
            throw new ArgumentException("The view must be as long as the text.", nameof(view));
        if (text.Length == 0)
            return new RedactedText("", new Dictionary<string, int>());
        var found = new List<Finding>();
        foreach (var detect in contactDetails ? Detectors : SecretDetectors)
            detect(view, found);
        if (found.Count == 0)
            return new RedactedText(text, new Dictionary<string, int>());
        return Replace(text, Merge(text, found));
    }

    /// <summary>Sorted, overlapping findings joined (the most specific kind wins), findings inside a placeholder dropped.</summary>
    private static List<Finding> Merge(string text, List<Finding> found)
    {
        found.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var merged = new List<Finding>(found.Count);
        foreach (var finding in found)
        {
            var next = finding;
            // A finding that starts inside a placeholder ("IBAN_1].@Support" in text redacted before) keeps only
            // what follows the placeholder, if that is anything at all.
            if (next.Length > 0 && Placeholders.EndAround(text, next.Start) is var end and > 0)
                next = end < next.End && text.AsSpan(end, next.End - end).ContainsAnyExcept(Punctuation)
                    ? new Finding(end, next.End - end, next.Kind) : new Finding(next.Start, 0, next.Kind);
            if (next.Length <= 0)
                continue;
            if (merged.Count > 0 && next.Start < merged[^1].End)
            {
                var last = merged[^1];
                var kind = SecretKinds.Rank(next.Kind) < SecretKinds.Rank(last.Kind) ? next.Kind : last.Kind;
                merged[^1] = new Finding(last.Start, Math.Max(last.End, next.End) - last.Start, kind);
            }
            else
            {
                merged.Add(next);
            }
        }
        return merged;
    }

    private static RedactedText Replace(string text, List<Finding> findings)
    {
        var placeholders = new Dictionary<(string Kind, string Value), string>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var redactedBefore = text.Contains('[', StringComparison.Ordinal);
        var result = new StringBuilder(text.Length);
        var at = 0;
        foreach (var f in findings)
        {
            var value = text.Substring(f.Start, f.Length);
            if (!placeholders.TryGetValue((f.Kind, value), out var placeholder))
            {
                counts[f.Kind] = counts.GetValueOrDefault(f.Kind) + 1;
                // A number already used by a placeholder in the text (redacted before) is not given to another value.
                do
                {
                    numbers[f.Kind] = numbers.GetValueOrDefault(f.Kind) + 1;
                    placeholder = Placeholders.For(f.Kind, numbers[f.Kind]);
                }
                while (redactedBefore && text.Contains(placeholder, StringComparison.Ordinal));
                placeholders[(f.Kind, value)] = placeholder;
            }
            result.Append(text, at, f.Start - at).Append(placeholder);
            at = f.End;
        }
        result.Append(text, at, text.Length - at);
        return new RedactedText(result.ToString(), counts);
    }
}
