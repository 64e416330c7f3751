using Agents.Ingest.Requests;
using System.Text;

namespace Agents.Ingest.Verification;

/// <summary>
/// For vendors that do not sign (Freshdesk, Groove): the secret is sent as a header of the admin's choosing
/// (<c>Ingest__Sources__{source}__Header</c>, default <c>X-Webhook-Secret</c>), or as the password of HTTP basic
/// auth. Compared in constant time. There is no timestamp: duplicates are caught by the delivery table.
/// </summary>
public static class SharedSecret
{
    public const string DefaultHeader = "x-webhook-secret";

    public static string? Verify(WebhookRequest request, VerificationContext context)
    {
        var header = request.Header((context.Options.Header ?? DefaultHeader).ToLowerInvariant());
        if (header is not null)
            return Signatures.SecretEquals(header, context.Secret) ? null : "the shared-secret header does not match";

        var authorization = request.Header("authorization");
        if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                return "the basic auth credentials are not base64";
            }
            var colon = decoded.IndexOf(':');
            var password = colon < 0 ? decoded : decoded[(colon + 1)..];
            return Signatures.SecretEquals(password, context.Secret) ? null : "the basic auth password does not match";
        }
        return $"missing {context.Options.Header ?? DefaultHeader} header or basic auth";
    }
}
