using System.Text.RegularExpressions;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// PEM private keys (RSA, EC, OpenSSH, PKCS#8, PGP), pasted whole or cut short: from the BEGIN line to the END line,
/// or, when the END line is missing, to the first blank line or the end of the text.
/// </summary>
public static partial class PrivateKeyBlocks
{
    public static void Find(string text, List<Finding> found)
    {
        if (!text.Contains("PRIVATE KEY", StringComparison.Ordinal))
            return;
        foreach (var m in Block().EnumerateMatches(text))
            found.Add(new Finding(m.Index, m.Length, SecretKinds.PrivateKey));
    }

    [GeneratedRegex(@"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*?(?=\r?\n\s*\r?\n)|[\s\S]*)")]
    private static partial Regex Block();
}
