using Agents.Harness.Canaries;
using Agents.ServiceDefaults.Redaction;
using NUnit.Framework;

namespace Agents.Classifier.Tests.Redaction;

/// <summary>
/// A property: whatever is written around a planted value — the announcing word in any of five languages and any
/// casing, ":" or "is" or nothing between, quotes or brackets around it, punctuation after it, line breaks and
/// extra spaces between the words, the value before the word — the value does not survive redaction. The phrasings
/// are assembled from this test's own word lists (not the redactor's), thousands of them from a fixed seed;
/// <c>AGENTS_PROPERTY_CASES</c> and <c>AGENTS_PROPERTY_SEED</c> run more or others.
/// </summary>
public class PhrasingPropertyTests
{
    private static readonly string[] PasswordWords =
    [
        "password", "pass", "pw", "passwd", "new password", "my password", "the password", "login password",
        "Passwort", "Kennwort", "das neue Passwort", "mein Passwort", "contraseña", "clave", "la contraseña", "mi clave",
        "mot de passe", "mdp", "le mot de passe", "mon mot de passe", "senha", "a senha", "minha senha", "palavra-passe",
    ];

    private static readonly string[] CodeWords =
    [
        "code", "verification code", "OTP", "PIN", "2FA code", "one-time code", "SMS code", "security code",
        "Code", "Bestätigungscode", "TAN", "Sicherheitscode", "Einmalcode", "código", "código de verificación", "PIN de la tarjeta",
        "code de vérification", "code PIN", "code reçu", "código de verificação", "código SMS",
    ];

    private static readonly string[] KeyWords =
    [
        "API key", "api_key", "token", "access token", "secret", "signing secret", "webhook secret", "client secret",
        "API-Schlüssel", "Zugangstoken", "clave de API", "token de acceso", "clé API", "jeton", "chave de API", "token de acesso",
    ];

    // Between the word and the value: nothing, a separator, or a verb, in the five languages.
    private static readonly string[] Connectors =
    [
        " ", " ", ": ", ":", " = ", "=", " - ", ": \n", "\n", " is ", " is now ", " was ", " ist ", " lautet ", " es ", " era ",
        " est ", " é ", " (new) ", " I use ", " I tried ", " que uso es ", " que j'ai mis est ", " que uso é ", " das ich nutze ist ",
    ];

    private static readonly string[] Before = ["", "Hi, ", "Hello team,\n", "Urgent!! ", "Ich komme nicht rein. ", "No puedo entrar: ", "Bonjour,\n\n", "Olá! "];

    private static readonly string[] After =
    [
        "", ".", ",", "!", ";", " and it fails", " – thanks", "\nRegards", ", trotzdem Fehler.", " y no funciona", " mais refusé.", " mas não entra.",
    ];

    private static readonly (string Open, string Close)[] Wrappers = [("", ""), ("", ""), ("\"", "\""), ("'", "'"), ("(", ")"), ("«", "»"), ("`", "`"), ("„", "“")];

    // "X is my password": the value first, a linking phrase, then the word.
    private static readonly string[] LinksBefore = [" is my ", " is the new ", " ist mein ", " es mi ", " est mon ", " é a minha ", " as ", " comme ", " como "];

    [Test]
    public void No_phrasing_around_a_planted_value_lets_it_through()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("AGENTS_PROPERTY_SEED"), out var s) ? s : 20260522;
        var cases = int.TryParse(Environment.GetEnvironmentVariable("AGENTS_PROPERTY_CASES"), out var n) && n > 0 ? n : 4000;
        var random = new Random(seed);
        var values = new SecretValues(random);
        var failures = new List<string>();
        for (var i = 0; i < cases; i++)
        {
            var (text, secret) = Phrase(random, values);
            var redacted = Redactor.Redact(text).Text;
            if (redacted.Contains(secret, StringComparison.Ordinal))
                failures.Add($"[{secret}] in: {text.ReplaceLineEndings("⏎")}  →  {redacted.ReplaceLineEndings("⏎")}");
        }
        TestContext.Out.WriteLine($"seed {seed}: {cases} phrasings, {failures.Count} let their value through");
        foreach (var failure in failures.Take(40))
            TestContext.Out.WriteLine("  " + failure);
        Assert.That(failures, Is.Empty, $"{failures.Count} of {cases} phrasings let their value through (seed {seed}); see the output");
    }

    private static (string Text, string Secret) Phrase(Random random, SecretValues values)
    {
        var (word, secret) = random.Next(10) switch
        {
            < 4 => (Pick(random, PasswordWords), values.Password()),
            < 6 => (Pick(random, CodeWords), random.Next(2) == 0 ? values.OneTimeCode() : values.Pin()),
            < 8 => (Pick(random, KeyWords), random.Next(2) == 0 ? values.ApiKey().Key : values.BareSecret()),
            // Values that need no word at all: checksums and vendor formats, in any sentence.
            _ => (Pick(random, ["please check", "siehe", "ver", "voir", "veja", "re:"]), random.Next(3) switch
            {
                0 => values.Card(),
                1 => values.Iban(),
                _ => values.Jwt(),
            }),
        };
        word = Casing(random, word);
        var (open, close) = Wrappers[random.Next(Wrappers.Length)];
        var phrase = random.Next(6) == 0 && !char.IsDigit(secret[0])
            ? open + secret + close + Pick(random, LinksBefore) + word
            : word + Pick(random, Connectors) + open + secret + close;
        var text = Pick(random, Before) + Spaces(random, phrase) + Pick(random, After);
        return (text, secret);
    }

    private static string Casing(Random random, string word) => random.Next(5) switch
    {
        0 => word.ToUpperInvariant(),
        1 => word.ToLowerInvariant(),
        2 => char.ToUpperInvariant(word[0]) + word[1..],
        _ => word,
    };

    // Doubled spaces and tabs where one space was; never inside the value (it has none but a code's "123 456").
    private static string Spaces(Random random, string phrase) =>
        random.Next(4) == 0 ? phrase.Replace(" is ", random.Next(2) == 0 ? "  is\t" : " is  ", StringComparison.Ordinal) : phrase;

    private static string Pick(Random random, string[] options) => options[random.Next(options.Length)];
}
