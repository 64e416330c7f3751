using System.Globalization;
using System.Numerics;
using System.Text;

namespace Agents.Harness.Canaries;

/// <summary>
/// Random secret values in the shapes people and vendors really use: human passwords, PINs and one-time codes,
/// vendor API keys (documented prefixes and lengths), signing secrets, JWTs, card numbers that pass Luhn and IBANs
/// that pass mod-97. Synthetic, never real credentials; a seeded <see cref="Random"/> makes a set reproducible.
/// </summary>
public sealed class SecretValues(Random random)
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";
    private const string Alnum = Upper + Lower + Digits;
    private const string Hex = "0123456789abcdef";
    private const string Base64 = Alnum + "+/";
    private const string Base64Url = Alnum + "-_";

    // Words people build passwords from, in the five languages (not the words of any canary file).
    private static readonly string[] Words =
    [
        "Sunflower", "Harbor", "Copper", "Violet", "Meadow", "Glacier", "Pepper", "Orchid", "Thunder", "Marble",
        "Schatz", "Apfel", "Wolke", "Bergsee", "Kastanie", "Sonnenblume", "Hamster", "Fussball",
        "Mariposa", "Girasol", "Montaña", "Cereza", "Tortuga", "Estrella", "Playa",
        "Soleil", "Papillon", "Fraise", "Chaton", "Bonjour", "Lumiere", "Nuage",
        "Saudade", "Cachorro", "Laranja", "Estrela", "Amora", "Jabuti", "Futebol",
    ];

    private static readonly string[] Symbols = ["!", "#", "$", "%", "&", "*", "?", "@", "+", "=", "-", "_", "."];

    public string Pick(IReadOnlyList<string> options) => options[random.Next(options.Count)];

    public string Chars(string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
            chars[i] = alphabet[random.Next(alphabet.Length)];
        return new string(chars);
    }

    public string Digit(int length) => Chars(Digits, length);

    /// <summary>A password as a person makes one: a word with digits and a symbol, leetspeak, or random.</summary>
    public string Password() => random.Next(7) switch
    {
        0 => Pick(Words) + Digit(random.Next(2, 5)) + Pick(Symbols),
        1 => Pick(Symbols) + Pick(Words) + Digit(2),
        2 => Leet(Pick(Words)) + Digit(random.Next(1, 4)),
        3 => Pick(Words).ToLowerInvariant() + Digit(random.Next(2, 5)),
        4 => Pick(Words) + "." + Pick(Words) + Digit(1),
        5 => Chars(Alnum + "!#$%&*?@", random.Next(10, 17)) + Digit(1),
        _ => Pick(Words)[..3].ToUpperInvariant() + Pick(Symbols) + Digit(4) + Pick(Words).ToLowerInvariant(),
    };

    public string Pin() => Digit(random.Next(2) == 0 ? 4 : 6);

    public string OneTimeCode() => random.Next(4) switch
    {
        0 => Digit(8),
        1 => Digit(3) + " " + Digit(3),
        _ => Digit(6),
    };

    public string UserName() => random.Next(4) switch
    {
        0 => Pick(["anna", "jonas", "lucia", "pierre", "joao", "mike", "sofia"]) + "." + Pick(["schmidt", "garcia", "martin", "silva", "brown"]),
        1 => Pick(["admin", "support", "ops", "svc_crm", "integration"]),
        2 => Pick(["k.weber", "m_rossi", "jdupont", "asantos", "tlee"]) + Digit(2),
        _ => Pick(["anna", "jonas", "lucia", "pierre", "joao"]) + "@" + Pick(["example.org", "example.net", "firma.example"]),
    };

    /// <summary>A vendor key with its documented prefix and length, and the vendor's name.</summary>
    public (string Vendor, string Key) ApiKey() => random.Next(20) switch
    {
        0 => ("OpenAI", "sk-proj-" + Chars(Base64Url, 20) + "T3BlbkFJ" + Chars(Base64Url, 20)),
        1 => ("OpenAI", "sk-svcacct-" + Chars(Base64Url, 40)),
        2 => ("Anthropic", "sk-ant-api03-" + Chars(Base64Url, 93) + "AA"),
        3 => ("Stripe", Pick(["sk_live_", "rk_live_", "sk_test_"]) + Chars(Alnum, 99)[..random.Next(24, 99)]),
        4 => ("GitHub", Pick(["ghp_", "gho_", "ghs_", "ghu_"]) + Chars(Alnum, 36)),
        5 => ("GitHub", "github_pat_" + Chars(Alnum, 22) + "_" + Chars(Alnum, 59)),
        6 => ("GitLab", "glpat-" + Chars(Base64Url, 20)),
        7 => ("Slack", Pick(["xoxb-", "xoxp-"]) + Digit(11) + "-" + Digit(12) + "-" + Chars(Alnum, 24)),
        8 => ("AWS", Pick(["AKIA", "ASIA"]) + Chars(Upper + "234567", 16)),
        9 => ("Google", "AIza" + Chars(Base64Url, 35)),
        10 => ("SendGrid", "SG." + Chars(Base64Url, 22) + "." + Chars(Base64Url, 43)),
        11 => ("Twilio", "SK" + Chars(Hex, 32)),
        12 => ("Mailgun", "key-" + Chars(Hex, 32)),
        13 => ("npm", "npm_" + Chars(Alnum, 36)),
        14 => ("HubSpot", "pat-" + Pick(["na1", "eu1"]) + "-" + Uuid()),
        15 => ("Shopify", Pick(["shpat_", "shpss_"]) + Chars(Hex, 32)),
        16 => ("DigitalOcean", "dop_v1_" + Chars(Hex, 64)),
        17 => ("Hugging Face", "hf_" + Chars(Upper + Lower, 34)),
        18 => ("Postman", "PMAK-" + Chars(Hex, 24) + "-" + Chars(Hex, 34)),
        _ => ("Zendesk", Chars(Alnum, 40)),
    };

    /// <summary>A secret without any prefix: what a webhook signing secret or an AWS secret access key looks like.</summary>
    public string BareSecret() => random.Next(5) switch
    {
        0 => Chars(Hex, 32),
        1 => Chars(Hex, 40),
        2 => Chars(Hex, 64),
        3 => Chars(Base64, 40),
        _ => Convert.ToBase64String(Bytes(32)),
    };

    public string WebhookSecret() => "whsec_" + Convert.ToBase64String(Bytes(24));

    public string Jwt()
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = Part("""{"alg":"HS256","typ":"JWT"}""");
        var payload = Part($$"""{"sub":"{{Digit(8)}}","exp":{{1_900_000_000 + random.Next(1_000_000)}}}""");
        return $"{header}.{payload}.{Chars(Base64Url, 43)}";
    }

    public string BasicCredentials() => Convert.ToBase64String(Encoding.UTF8.GetBytes(UserName() + ":" + Password()));

    public string Uuid() => $"{Chars(Hex, 8)}-{Chars(Hex, 4)}-4{Chars(Hex, 3)}-{Pick(["8", "9", "a", "b"])}{Chars(Hex, 3)}-{Chars(Hex, 12)}";

    /// <summary>A PEM private key block (its base64 lines), multi-line as people paste it.</summary>
    public string PrivateKeyBlock()
    {
        var lines = Enumerable.Range(0, 6).Select(_ => Chars(Base64, 64));
        var type = Pick(["RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"]);
        return $"-----BEGIN {type}-----\n{string.Join("\n", lines)}\n-----END {type}-----";
    }

    /// <summary>A card number of a real brand's prefix and length with a valid Luhn digit, grouped as printed.</summary>
    public string Card()
    {
        var (prefix, length) = random.Next(6) switch
        {
            0 => ("4", 16),
            1 => ("5" + random.Next(1, 6), 16),
            2 => ("2" + random.Next(221, 721), 16),
            3 => (Pick(["34", "37"]), 15),
            4 => ("6011", 16),
            _ => ("4", 13 + 3 * random.Next(2)),
        };
        var body = prefix + Digit(length - prefix.Length - 1);
        var digits = body + LuhnDigit(body);
        var separator = Pick([" ", " ", "-", ""]);
        if (separator.Length == 0)
            return digits;
        int[] groups = length == 15 ? [4, 6, 5] : length == 13 ? [4, 4, 5] : [4, 4, 4, 4];
        var parts = new List<string>();
        var at = 0;
        foreach (var g in groups)
        {
            parts.Add(digits.Substring(at, g));
            at += g;
        }
        return string.Join(separator, parts);
    }

    /// <summary>An IBAN of a real country's length and layout with valid check digits, printed in groups of four or not.</summary>
    public string Iban()
    {
        var (country, bban) = random.Next(8) switch
        {
            0 => ("DE", Digit(18)),
            1 => ("FR", Digit(10) + Chars(Upper + Digits, 11) + Digit(2)),
            2 => ("ES", Digit(20)),
            3 => ("GB", Chars(Upper, 4) + Digit(14)),
            4 => ("NL", Chars(Upper, 4) + Digit(10)),
            5 => ("PT", Digit(21)),
            6 => ("IT", Chars(Upper, 1) + Digit(10) + Chars(Upper + Digits, 12)),
            _ => ("AT", Digit(16)),
        };
        var check = 98 - (int)(BigInteger.Parse(Numeric(bban + country + "00"), CultureInfo.InvariantCulture) % 97);
        var iban = country + check.ToString("00", CultureInfo.InvariantCulture) + bban;
        return random.Next(3) == 0 ? iban : string.Join(" ", iban.Chunk(4).Select(c => new string(c)));
    }

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private string Leet(string word) =>
        new(word.Select(c => char.ToLowerInvariant(c) switch
        {
            'a' => random.Next(2) == 0 ? '@' : '4',
            'e' => '3',
            'o' => '0',
            's' => '$',
            'i' => '1',
            _ => c,
        }).ToArray());

    private static string Numeric(string alphanumeric) =>
        string.Concat(alphanumeric.Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture)));

    private static char LuhnDigit(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return (char)('0' + (10 - sum % 10) % 10);
    }
}
