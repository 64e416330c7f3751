using Agents.Ingest.Requests;
using System.Security.Cryptography;

namespace Agents.Ingest.Verification;

/// <summary>
/// The WebSub-style scheme several vendors share: an HMAC of the raw body in a header, hex after a prefix.
/// GitHub <c>X-Hub-Signature-256: sha256=…</c>, Jira Cloud <c>X-Hub-Signature: sha256=…</c>, Intercom
/// <c>X-Hub-Signature: sha1=…</c>. There is no timestamp: replays are caught by the delivery table.
/// </summary>
public static class BodySignature
{
    public static string? Verify(WebhookRequest request, VerificationContext context, string header, HashAlgorithmName algorithm)
    {
        var value = request.Header(header);
        if (string.IsNullOrEmpty(value))
            return $"missing {header} header";
        var prefix = algorithm == HashAlgorithmName.SHA1 ? "sha1=" : "sha256=";
        var expected = Signatures.Hmac(algorithm, Signatures.Utf8(context.Secret), [request.Body]);
        return Signatures.Matches(expected, value, DigestEncoding.Hex, prefix) ? null : $"{header} does not match";
    }
}
