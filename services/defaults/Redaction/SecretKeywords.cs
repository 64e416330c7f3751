using System.Buffers;
using System.Collections.Frozen;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// The words that announce a secret in English, German, Spanish, French and Portuguese, grouped by what follows
/// them, and the small grammar around them (copulas, possessives, the words that make a "code" not secret). All
/// are found in one pass (<see cref="SearchValues{T}"/>, as gitleaks' keyword pre-filter does), so a ticket without
/// any of them costs one scan.
/// </summary>
public static class SecretKeywords
{
    /// <summary>What a keyword announces, which decides what a value after it must look like.</summary>
    public enum Family
    {
        /// <summary>A password: letters with a digit or symbol, or anything after ":"/"=".</summary>
        Password,
        /// <summary>A PIN, TAN or one-time code: digits.</summary>
        Code,
        /// <summary>An API key, token or signing secret: long, letters and digits.</summary>
        Key,
        /// <summary>A user name and a password together ("credentials", "Zugangsdaten"): two values.</summary>
        Credentials,
    }

    /// <summary>One keyword: its family, and whether it may end a compound word ("Bestätigungscode", "Zugangspasswort").</summary>
    public readonly record struct Keyword(string Word, Family Family, bool EndsCompounds = false)
    {
        /// <summary>The placeholder's kind for a value this keyword announces.</summary>
        public string Kind => Family switch
        {
            Family.Code => SecretKinds.Code,
            Family.Key when Word is "token" or "jeton" or "bearer" or "authorization" or "auth" or "session" or "cookie" => SecretKinds.Token,
            Family.Key when Word.Contains("sign", StringComparison.Ordinal) || Word.Contains("ssin", StringComparison.Ordinal)
                || Word is "secret" or "secreto" or "segredo" or "geheimnis" or "hmac" or "firmamos" => SecretKinds.Secret,
            Family.Key => SecretKinds.ApiKey,
            _ => SecretKinds.Password,
        };
    }

    private static readonly Keyword[] All =
    [
        // Passwords.
        new("password", Family.Password, true), new("passwort", Family.Password, true), new("passwörter", Family.Password),
        new("passwd", Family.Password), new("passphrase", Family.Password), new("pwd", Family.Password), new("pw", Family.Password),
        new("pass", Family.Password), new("kennwort", Family.Password, true), new("contraseña", Family.Password),
        new("contrasena", Family.Password), new("clave", Family.Password), new("senha", Family.Password),
        new("mot de passe", Family.Password), new("mots de passe", Family.Password), new("mot-de-passe", Family.Password),
        new("mdp", Family.Password), new("palavra-passe", Family.Password), new("palavra passe", Family.Password),
        new("login", Family.Password),

        // PINs and one-time codes.
        new("passcode", Family.Code), new("pin", Family.Code), new("code", Family.Code, true), new("codes", Family.Code, true),
        new("código", Family.Code), new("codigo", Family.Code), new("otp", Family.Code), new("tan", Family.Code, true),
        new("2fa", Family.Code), new("mfa", Family.Code), new("sms", Family.Code), new("cvv", Family.Code), new("cvc", Family.Code),
        new("nip", Family.Code), new("geheimzahl", Family.Code), new("one-time", Family.Code), new("authenticator", Family.Code),

        // Keys, tokens, signing secrets.
        new("token", Family.Key, true), new("key", Family.Key), new("apikey", Family.Key), new("api_key", Family.Key),
        new("secret", Family.Key), new("secreto", Family.Key), new("segredo", Family.Key), new("geheimnis", Family.Key),
        new("schlüssel", Family.Key, true), new("clé", Family.Key), new("cle", Family.Key), new("chave", Family.Key),
        new("llave", Family.Key), new("jeton", Family.Key), new("bearer", Family.Key), new("authorization", Family.Key),
        new("auth", Family.Key), new("hmac", Family.Key), new("signature", Family.Key), new("signing", Family.Key),
        new("sign", Family.Key), new("signed", Family.Key), new("signieren", Family.Key), new("signiert", Family.Key),
        new("signatur", Family.Key), new("firmamos", Family.Key), new("signons", Family.Key),
        new("assinamos", Family.Key), new("assinatura", Family.Key), new("session", Family.Key), new("cookie", Family.Key),

        // A user name and a password together.
        new("credentials", Family.Credentials), new("creds", Family.Credentials), new("credenciales", Family.Credentials),
        new("credenciais", Family.Credentials), new("identifiants", Family.Credentials), new("zugangsdaten", Family.Credentials),
        new("anmeldedaten", Family.Credentials), new("logindaten", Family.Credentials), new("login-daten", Family.Credentials),
        new("datos de acceso", Family.Credentials), new("dados de acesso", Family.Credentials), new("accès", Family.Credentials),
    ];

    /// <summary>Every keyword, for one case-insensitive multi-string search over the text.</summary>
    public static SearchValues<string> Words { get; } = SearchValues.Create(All.Select(k => k.Word).ToArray(), StringComparison.OrdinalIgnoreCase);

    // Candidates by first letter, longest first, so the keyword at a match is found in a few comparisons.
    private static readonly FrozenDictionary<char, Keyword[]> ByFirstLetter = All
        .GroupBy(k => char.ToLowerInvariant(k.Word[0]))
        .ToFrozenDictionary(g => g.Key, g => g.OrderByDescending(k => k.Word.Length).ToArray());

    /// <summary>
    /// The longest keyword that starts at <paramref name="at"/> ("password" before "pass"); inside a word
    /// (<paramref name="inWord"/>) only one that may end a compound.
    /// </summary>
    public static Keyword? At(ReadOnlySpan<char> text, int at, bool inWord)
    {
        if (!ByFirstLetter.TryGetValue(char.ToLowerInvariant(text[at]), out var candidates))
            return null;
        foreach (var k in candidates)
            if ((!inWord || k.EndsCompounds) && text[at..].StartsWith(k.Word, StringComparison.OrdinalIgnoreCase))
                return k;
        return null;
    }

    /// <summary>A set of words looked up by span, so reading a ticket's words allocates no strings.</summary>
    public readonly struct WordSet(FrozenSet<string> words)
    {
        private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();

        public bool Contains(ReadOnlySpan<char> word) => _lookup.Contains(word);
    }

    private static WordSet Set(params string[] words) => new(words.ToFrozenSet(StringComparer.OrdinalIgnoreCase));

    /// <summary>Small words between "code" and what kind of code it is ("código de error", "code d'erreur").</summary>
    public static WordSet Of { get; } = Set("de", "of", "du", "des", "do", "da", "del", "für", "for");

    /// <summary>"is", "ist", "es", "est", "é", "lautet"…: after them, the value is said outright.</summary>
    public static WordSet Copulas { get; } = Set(
    [
        "is", "was", "are", "ist", "war", "lautet", "lauten", "sind", "es", "era", "son", "sería", "est", "était", "sont",
        "vaut", "é", "são", "foi", "era", "be", "now", "jetzt", "ahora", "maintenant", "agora",
    ]);

    /// <summary>Words that may stand between a value and the keyword after it ("X is my password", "avec X comme mdp").</summary>
    public static WordSet LinksBefore { get; } = Set(
    [
        "is", "was", "ist", "war", "es", "era", "est", "é", "my", "our", "the", "new", "current", "mein", "meine", "unser",
        "das", "der", "die", "neues", "neue", "aktuelles", "mi", "nuestro", "nuestra", "la", "el", "nueva", "nuevo", "actual",
        "mon", "ma", "notre", "le", "nouveau", "nouvel", "nouvelle", "meu", "minha", "nosso", "nossa", "a", "o", "novo", "nova",
        "atual", "as", "als", "como", "comme", "du", "your", "ton", "tu", "seu", "sua", "dein", "deine", "ihr", "ihre",
    ]);

    /// <summary>
    /// "error code 500", "Fehlercode", "code postal", "promo code", "sort code", "código de error": codes that are
    /// not secrets, told by the word before the keyword, the compound's head, or the word after it (past "de", "of").
    /// </summary>
    public static WordSet NotSecretCodes { get; } = Set(
    [
        "error", "errors", "fehler", "status", "http", "exit", "return", "response", "postal", "zip", "post", "area",
        "country", "promo", "promotional", "discount", "coupon", "voucher", "gift", "source", "product", "article", "item",
        "tracking", "rabatt", "gutschein", "artikel", "produkt", "länder", "erreur", "réduction", "descuento", "cupón",
        "erro", "desconto", "cupom", "qr", "bar", "barras", "html", "css", "sql", "sort", "swift", "bic", "bank", "iso",
        "promocional", "fuente", "fonte", "produit", "producto", "produto", "país", "pays", "quell", "programm", "program",
        "d'erreur", "airport", "flight", "shipping", "versand", "lager", "rabais", "promoción", "promoção", "client", "kunden",
        "en", "de", "uni", "op", "geo", "trans", "zip", "bar", "länder", "aktions", "rabatt", "buchungs", "referenz",
    ]);
}
