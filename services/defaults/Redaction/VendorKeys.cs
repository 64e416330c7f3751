using System.Buffers;
using System.Text.RegularExpressions;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// Keys and tokens whose vendor made them recognisable by a prefix and a length (the formats the vendors document
/// and the public scanners, gitleaks and GitHub secret scanning, look for), and JSON Web Tokens. Found wherever
/// they are, whatever is written around them.
/// </summary>
public static partial class VendorKeys
{
    // The literal start of every shape below: one vectorised search for all of them (gitleaks' keyword pre-filter),
    // and the pattern is tried only where one starts a word.
    private static readonly SearchValues<string> Prefixes = SearchValues.Create(
    [
        "sk-", "sk_", "rk_", "pk_", "whsec_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "gldt-", "glptt-",
        "glrt-", "glcbt-", "glft-", "glimt-", "gloas-", "glsoat-", "GR1348941", "xox", "xapp-", "hooks.slack.com/", "discord.com/",
        "discordapp.com/", "AKIA", "ASIA", "ABIA", "ACCA", "A3T", "AIza", "ya29.", "GOCSPX-", "SG.", "key-", "npm_",
        "pypi-", "pat-", "shpat_", "shpca_", "shppa_", "shpss_", "dop_", "doo_", "dor_", "hf_", "PMAK-", "dapi", "lin_", "secret_",
        "ntn_", "sq0", "EAA", "ATATT3", "HRKU-",
        "AccountKey=", "AGE-SECRET-KEY-1",
    ], StringComparison.Ordinal);

    public static void Find(string text, List<Finding> found)
    {
        var span = text.AsSpan();
        for (var at = span.IndexOfAny(Prefixes); at >= 0;)
        {
            var end = at + 1;
            if (at == 0 || !char.IsAsciiLetterOrDigit(span[at - 1]) || span[at..].StartsWith("hooks.") || span[at..].StartsWith("discord"))
            {
                foreach (var m in Keys().EnumerateMatches(span[at..]))
                {
                    found.Add(new Finding(at, m.Length, SecretKinds.ApiKey));
                    end = at + m.Length;
                    break;
                }
            }
            var next = span[end..].IndexOfAny(Prefixes);
            at = next < 0 ? -1 : end + next;
        }
        if (text.Contains("eyJ", StringComparison.Ordinal))
            foreach (var m in Jwt().EnumerateMatches(text))
                found.Add(new Finding(m.Index, m.Length, SecretKinds.Jwt));
        // Four shapes have no long literal start; each is looked for only where its fixed part occurs.
        if (text.Contains("SK", StringComparison.Ordinal) || text.Contains("AC", StringComparison.Ordinal))
            Add(Twilio(), text, found);
        if (text.Contains("Q~", StringComparison.Ordinal))
            Add(EntraSecret(), text, found);
        if (text.Contains("-us", StringComparison.Ordinal))
            Add(Mailchimp(), text, found);
        if (text.Contains(":AA", StringComparison.Ordinal))
            Add(TelegramBot(), text, found);
    }

    private static void Add(Regex pattern, string text, List<Finding> found)
    {
        foreach (var m in pattern.EnumerateMatches(text))
            found.Add(new Finding(m.Index, m.Length, SecretKinds.ApiKey));
    }

    // Each line is one vendor's documented shape, tried where one of the prefixes above starts.
    [GeneratedRegex("""
        ^(?:
          sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin|sid)\d\d-)?[A-Za-z0-9_-]{20,}   # OpenAI, Anthropic
        | (?:sk|rk|pk)_(?:live|test|prod)_[A-Za-z0-9]{10,}                              # Stripe
        | whsec_[A-Za-z0-9+/=]{16,}                                                     # Stripe, Svix, Standard Webhooks signing secret
        | gh[pousr]_[A-Za-z0-9]{30,} | github_pat_[A-Za-z0-9_]{30,}                     # GitHub
        | gl(?:pat|dt|ptt|rt|cbt|ft|imt|oas|soat)-[A-Za-z0-9_-]{20,} | GR1348941[A-Za-z0-9_-]{20,}   # GitLab
        | xox[abposre]-[A-Za-z0-9-]{10,} | xapp-\d-[A-Za-z0-9-]{20,}                    # Slack
        | hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}         # Slack webhook URL
        | discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{30,}                      # Discord webhook URL
        | (?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}                               # AWS access key id
        | AIza[A-Za-z0-9_-]{35} | ya29\.[A-Za-z0-9_-]{20,} | GOCSPX-[A-Za-z0-9_-]{24,}  # Google
        | SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}                                    # SendGrid
        | key-[0-9a-f]{32}                                                              # Mailgun
        | npm_[A-Za-z0-9]{36} | pypi-[A-Za-z0-9_-]{50,}                                 # npm, PyPI
        | pat-(?:na|eu|ap)\d-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} # HubSpot private app
        | shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}                                            # Shopify
        | do[por]_v1_[a-f0-9]{64}                                                       # DigitalOcean
        | hf_[A-Za-z]{30,}                                                              # Hugging Face
        | PMAK-[a-f0-9]{24}-[a-f0-9]{34}                                                # Postman
        | dapi[a-f0-9]{32}                                                              # Databricks
        | lin_(?:api|oauth)_[A-Za-z0-9]{40}                                             # Linear
        | (?:secret_|ntn_)[A-Za-z0-9]{40,}                                              # Notion
        | sq0(?:atp|csp)-[A-Za-z0-9_-]{22,} | EAAA[A-Za-z0-9_-]{60,}                    # Square
        | EAA[A-Za-z0-9]{80,}                                                           # Meta
        | ATATT3[A-Za-z0-9_=-]{100,}                                                    # Atlassian
        | HRKU-[A-Za-z0-9_-]{40,}                                                       # Heroku
        | AccountKey=[A-Za-z0-9+/=]{60,}                                                # Azure storage
        | AGE-SECRET-KEY-1[0-9A-Z]{58}                                                  # age
        )
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture)]
    private static partial Regex Keys();

    [GeneratedRegex(@"(?<![A-Za-z0-9_~.])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}")]
    private static partial Regex EntraSecret();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:SK|AC)[0-9a-f]{32}(?![A-Za-z0-9])")]
    private static partial Regex Twilio();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[0-9a-f]{32}-us\d{1,2}(?![A-Za-z0-9])")]
    private static partial Regex Mailchimp();

    [GeneratedRegex(@"(?<!\d)\d{8,10}:AA[A-Za-z0-9_-]{33}")]
    private static partial Regex TelegramBot();

    // header.payload.signature, base64url; the header always starts with {" (eyJ). An unsigned token has no signature.
    [GeneratedRegex(@"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+){0,2}")]
    private static partial Regex Jwt();
}
