using System.Security.Cryptography;
using System.Text;

namespace Agents.Classifier.Pipeline;

/// <summary>
/// The key of the classification cache: SHA-256 of the redacted text (never the raw one) plus what shapes the
/// answer (model and taxonomy), so changing either classifies again.
/// </summary>
public static class ContentHash
{
    public static string Of(string redactedSubject, string redactedBody, string model, IEnumerable<string> taxonomy)
    {
        var material = string.Join("\u001f", "v1", model, string.Join("|", taxonomy), redactedSubject.Trim(), redactedBody.Trim());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }
}
