using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using StandardWebhooks;

namespace Agents.Webhooks;

/// <summary>
/// Signs requests the way a Standard Webhooks sender does (ingest's generic source): <c>webhook-id</c>,
/// <c>webhook-timestamp</c>, <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c>.
/// </summary>
public static class StandardWebhookSigner
{
    /// <summary>The three headers for <paramref name="body"/>, signed with a <c>whsec_…</c> secret at <paramref name="at"/> (default now).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Headers(string body, string webhookId, string secret, DateTimeOffset? at = null)
    {
        var timestamp = at ?? DateTimeOffset.UtcNow;
        return
        [
            new("webhook-id", webhookId),
            new("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("webhook-signature", new StandardWebhook(secret).Sign(webhookId, timestamp, body)),
        ];
    }

    /// <summary>A signed JSON POST of <paramref name="body"/> to <paramref name="path"/>.</summary>
    public static HttpRequestMessage Request(string path, string body, string webhookId, string secret, DateTimeOffset? at = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        foreach (var (name, value) in Headers(body, webhookId, secret, at))
            request.Headers.Add(name, value);
        return request;
    }
}
