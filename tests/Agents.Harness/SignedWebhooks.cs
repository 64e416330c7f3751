using Agents.Webhooks;

namespace Agents.Harness;

/// <summary>Requests signed the way a Standard Webhooks sender signs them, with the tests' secret unless told otherwise.</summary>
public static class SignedWebhooks
{
    /// <summary>A fixed test secret in Standard Webhooks' whsec_ form.</summary>
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public static HttpRequestMessage Generic(string path, string body, string webhookId, DateTimeOffset? at = null, string secret = Secret) =>
        StandardWebhookSigner.Request(path, body, webhookId, secret, at);

    /// <summary>The three Standard Webhooks headers for <paramref name="body"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Headers(string body, string webhookId, DateTimeOffset? at = null, string secret = Secret) =>
        StandardWebhookSigner.Headers(body, webhookId, secret, at);
}
