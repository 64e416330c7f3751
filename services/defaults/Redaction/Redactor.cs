using System.Text.RegularExpressions;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>The text with its secrets and personal data replaced, and how many of each kind were found.</summary>
public sealed record RedactedText(string Text, IReadOnlyDictionary<string, int> Found)
{
    public int Total => Found.Values.Sum();
}

/// <summary>
/// Replaces e-mail addresses, phone numbers, card numbers (Luhn-checked), IBANs (mod-97), bearer tokens, API keys,
/// JWTs and passwords with placeholders (<c>[EMAIL_1]</c>, <c>[CARD_1]</c>, …) before any text reaches a prompt.
/// The same value gets the same placeholder within one call, so the model still sees "the same address twice".
/// Order matters: tokens and keys go first, so their digits are never half-taken by the card or phone rules.
/// </summary>
public static partial class Redactor
{
    private delegate bool Check(string value);

    // (kind, pattern, the group holding the secret — 0 is the whole match, validation).
    private static readonly (string Kind, Regex Pattern, int Group, Check? Valid)[] Rules =
    [
        ("JWT", Jwt(), 0, null),
        ("BEARER", Bearer(), 1, null),
        ("APIKEY", ApiKey(), 0, null),
        ("APIKEY", LabelledKey(), 2, null),
        ("PASSWORD", Password(), 2, null),
        ("PASSWORD", SpokenPassword(), 2, LooksLikeSecret),
        ("EMAIL", Email(), 0, null),
        ("IBAN", Iban(), 0, IsIban),
        ("CARD", Card(), 0, IsLuhnCard),
        ("PHONE", Phone(), 0, IsPhone),
    ];

    public static RedactedText Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return new RedactedText("", new Dictionary<string, int>());
        var placeholders = new Dictionary<string, string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = text;
        foreach (var (kind, pattern, group, valid) in Rules)
        {
            result = pattern.Replace(result, m =>
            {
                var secret = m.Groups[group];
                if (!secret.Success || secret.Value.StartsWith('[') || (valid is not null && !valid(secret.Value)))
                    return m.Value;
                if (!placeholders.TryGetValue(kind + "\0" + secret.Value, out var placeholder))
                {
                    counts[kind] = counts.GetValueOrDefault(kind) + 1;
                    placeholder = $"[{kind}_{counts[kind]}]";
                    placeholders[kind + "\0" + secret.Value] = placeholder;
                }
                return m.Value[..(secret.Index - m.Index)] + placeholder + m.Value[(secret.Index - m.Index + secret.Length)..];
            });
        }
        return new RedactedText(result, counts);
    }

    public static bool IsLuhnCard(string candidate)
    {
        var digits = candidate.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length is < 13 or > 19)
            return false;
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    public static bool IsIban(string candidate)
    {
        var iban = string.Concat(candidate.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        if (iban.Length is < 15 or > 34)
            return false;
        // ISO 13616: move the first four characters to the end, letters become 10..35, the number mod 97 is 1.
        var rearranged = iban[4..] + iban[..4];
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterUpper(c) ? c - 'A' + 10 : -1;
            if (value < 0)
                return false;
            remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }
        return remainder == 1;
    }

    // "the new password is refused." is prose: after "is" only a value with a digit, a capital or a symbol counts.
    // An all-lowercase spoken password is missed; with ':' or '=' every value counts.
    private static bool LooksLikeSecret(string candidate) =>
        candidate.TrimEnd('.', '!', '?').Any(c => !char.IsLower(c));

    private static bool IsPhone(string candidate)
    {
        var digits = candidate.Count(char.IsAsciiDigit);
        return digits is >= 7 and <= 15;
    }

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?i)\bbearer\s+([A-Za-z0-9\-._~+/]{8,}=*)")]
    private static partial Regex Bearer();

    // Well-known key shapes: OpenAI/Anthropic, Stripe, GitHub, Slack, AWS, Google, GitLab, Zendesk-style tokens.
    [GeneratedRegex(@"\b(?:sk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}|[sprk]k_(?:live|test)_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,}|pat-[a-z]{2,3}\d?-[0-9a-f-]{20,})")]
    private static partial Regex ApiKey();

    [GeneratedRegex(@"(?i)\b(api[ _-]?key|api[ _-]?token|access[ _-]?token|secret|client[ _-]?secret|token)\s*[:=]\s*[""']?([^\s""',;]{6,})")]
    private static partial Regex LabelledKey();

    [GeneratedRegex(@"(?i)\b(password|passwort|passwd|pwd|kennwort|contraseña|senha|mot de passe)\s*[:=]\s*[""']?([^\s""',;]{4,})")]
    private static partial Regex Password();

    [GeneratedRegex(@"(?i)\b(password|passwort|passwd|pwd|kennwort|contraseña|senha|mot de passe)\s+(?:is|ist|es|est|é)\s+[""']?([^\s""',;]{4,})")]
    private static partial Regex SpokenPassword();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    [GeneratedRegex(@"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")]
    private static partial Regex Iban();

    [GeneratedRegex(@"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")]
    private static partial Regex Card();

    // International (+49 …, 0049 …), or national with a separator between groups; dates and plain ids stay.
    [GeneratedRegex(@"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,5}){1,4}|\(\d{2,5}\)[\s.-]?\d{3,4}[\s.-]?\d{3,5}|\b\d{3}[\s.-]\d{3}[\s.-]\d{4})(?!\w)")]
    private static partial Regex Phone();
}
