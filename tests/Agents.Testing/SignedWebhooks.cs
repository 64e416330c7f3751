using System.Net.Http.Headers;
using System.Text;
using StandardWebhooks;

namespace Agents.Testing;

/// <summary>Builds requests signed the way a Standard Webhooks sender signs them.</summary>
public static class SignedWebhooks
{
    /// <summary>A fixed test secret in Standard Webhooks' whsec_ form.</summary>
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public static HttpRequestMessage Generic(string path, string body, string webhookId, DateTimeOffset? at = null, string secret = Secret)
    {
        var timestamp = at ?? DateTimeOffset.UtcNow;
        var signature = new StandardWebhook(secret).Sign(webhookId, timestamp, body);
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString());
        request.Headers.Add("webhook-signature", signature);
        return request;
    }
}
