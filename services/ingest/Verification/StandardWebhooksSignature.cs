using Agents.Ingest.Requests;

namespace Agents.Ingest.Verification;

/// <summary>
/// Standard Webhooks: <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c> (several
/// space-separated entries allowed, other versions ignored), key = base64 of the secret after <c>whsec_</c>,
/// timestamp in Unix seconds within the tolerance.
/// </summary>
public static class StandardWebhooksSignature
{
    public static string? Verify(WebhookRequest request, VerificationContext context)
    {
        var id = request.Header("webhook-id");
        var timestamp = request.Header("webhook-timestamp");
        var signature = request.Header("webhook-signature");
        if (string.IsNullOrEmpty(id)) return "missing webhook-id header";
        if (string.IsNullOrEmpty(signature)) return "missing webhook-signature header";
        if (Signatures.CheckFreshness(timestamp, "webhook-timestamp", context.Now, context.Tolerance) is { } stale)
            return stale;
        if (Key(context.Secret) is not { } key)
            return "the configured secret is not a Standard Webhooks secret (whsec_ + base64)";

        var expected = Signatures.HmacSha256(key, Signatures.Utf8($"{id}.{timestamp}."), request.Body);
        var matched = false;
        foreach (var entry in signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // Check every entry (no early exit), so the time taken does not say which one matched.
            if (entry.StartsWith("v1,", StringComparison.Ordinal))
                matched |= Signatures.Matches(expected, entry[3..], DigestEncoding.Base64);
        }
        return matched ? null : "no webhook-signature entry matches";
    }

    public static byte[]? Key(string secret)
    {
        var encoded = secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret;
        if (encoded.Length == 0) return null;
        try
        {
            return Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
