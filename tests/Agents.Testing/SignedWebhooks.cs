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
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        foreach (var (name, value) in Headers(body, webhookId, at, secret))
            request.Headers.Add(name, value);
        return request;
    }

    /// <summary>The three Standard Webhooks headers for <paramref name="body"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Headers(string body, string webhookId, DateTimeOffset? at = null, string secret = Secret)
    {
        var timestamp = at ?? DateTimeOffset.UtcNow;
        return
        [
            new("webhook-id", webhookId),
            new("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("webhook-signature", new StandardWebhook(secret).Sign(webhookId, timestamp, body)),
        ];
    }
}
