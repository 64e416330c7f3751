using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Agents.Harness;

namespace Agents.Ingest.Tests;

/// <summary>
/// Builds requests the way each vendor sends them, signed with the vendor's scheme. Written from the vendors'
/// documentation with the framework's HMAC primitives only, independently of ingest's own signature code, so a
/// mistake in one does not hide in the other.
/// </summary>
public static class VendorRequests
{
    public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>
    {
        ["generic"] = SignedWebhooks.Secret,
        ["zendesk"] = "dGhpcy1pcy1hLXplbmRlc2stc2lnbmluZy1zZWNyZXQ=",
        ["freshdesk"] = "freshdesk-shared-secret-5c1f",
        ["groove"] = "groove-shared-secret-88aa",
        ["intercom"] = "intercom-client-secret-0d3e",
        ["front"] = "front-app-signing-key-71bb",
        ["jira"] = "jira-admin-webhook-secret-4f2a",
        ["github"] = "It's a Secret to Everybody",
        ["hubspot"] = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy",
    };

    public const string FreshdeskHeader = "X-Helpdesk-Secret";

    /// <summary>Configuration giving every source its secret (and Freshdesk its header name).</summary>
    public static Dictionary<string, string?> Settings()
    {
        var settings = Secrets.ToDictionary(s => $"Ingest:Sources:{s.Key}:Secret", s => (string?)s.Value);
        settings["Ingest:Sources:freshdesk:Header"] = FreshdeskHeader;
        return settings;
    }

    /// <summary>
    /// A signed request for <paramref name="source"/>. <paramref name="eventId"/> goes where the vendor puts its
    /// delivery id (webhook-id, X-GitHub-Delivery, X-Atlassian-Webhook-Identifier); <paramref name="baseAddress"/>
    /// is needed for HubSpot, which signs the URL.
    /// </summary>
    public static HttpRequestMessage Signed(string source, string body, Uri? baseAddress = null, string? eventId = null,
        DateTimeOffset? at = null, string? secret = null, string? githubEvent = null) =>
        SignedBytes(source, Encoding.UTF8.GetBytes(body), baseAddress, eventId, at, secret, githubEvent);

    /// <summary>As <see cref="Signed"/>, over exact bytes (which need not be valid UTF-8).</summary>
    public static HttpRequestMessage SignedBytes(string source, byte[] bytes, Uri? baseAddress = null, string? eventId = null,
        DateTimeOffset? at = null, string? secret = null, string? githubEvent = null)
    {
        secret ??= Secrets[source];
        var now = at ?? DateTimeOffset.UtcNow;
        var body = Encoding.UTF8.GetString(bytes);
        var path = $"/webhooks/{source}";
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        switch (source)
        {
            case "generic":
                var id = eventId ?? "msg_" + Guid.NewGuid().ToString("N");
                var ts = now.ToUnixTimeSeconds().ToString();
                var key = Convert.FromBase64String(secret.Replace("whsec_", ""));
                request.Headers.Add("webhook-id", id);
                request.Headers.Add("webhook-timestamp", ts);
                request.Headers.Add("webhook-signature", "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Concat($"{id}.{ts}.", bytes))));
                break;
            case "zendesk":
                var zts = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
                request.Headers.Add("X-Zendesk-Webhook-Signature-Timestamp", zts);
                request.Headers.Add("X-Zendesk-Webhook-Signature", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Concat(zts, bytes))));
                break;
            case "freshdesk":
                request.Headers.Add(FreshdeskHeader, secret);
                break;
            case "groove":
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("groove:" + secret)));
                request.Headers.Add("X-Groove-Event", "ticket_started");
                break;
            case "intercom":
                request.Headers.Add("X-Hub-Signature", "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), bytes)));
                break;
            case "front":
                var fts = now.ToUnixTimeMilliseconds().ToString();
                request.Headers.Add("X-Front-Request-Timestamp", fts);
                request.Headers.Add("X-Front-Signature", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Concat(fts + ":", bytes))));
                break;
            case "jira":
                request.Headers.Add("X-Hub-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), bytes)));
                if (eventId is not null) request.Headers.Add("X-Atlassian-Webhook-Identifier", eventId);
                break;
            case "github":
                request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), bytes)));
                request.Headers.Add("X-GitHub-Delivery", eventId ?? Guid.NewGuid().ToString());
                request.Headers.Add("X-GitHub-Event", githubEvent ?? (body.Contains("\"zen\"") ? "ping" : body.Contains("\"comment\"") ? "issue_comment" : "issues"));
                break;
            case "hubspot":
                var hts = now.ToUnixTimeMilliseconds().ToString();
                var url = new Uri(baseAddress ?? new Uri("http://localhost"), path).ToString();
                request.Headers.Add("X-HubSpot-Request-Timestamp", hts);
                request.Headers.Add("X-HubSpot-Signature-v3", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Concat("POST" + url, bytes, hts))));
                break;
            default:
                throw new ArgumentException($"no signer for {source}");
        }
        return request;
    }

    /// <summary>
    /// Front's application-webhook validation request: a <c>sync</c> body (unless another is given), signed like
    /// every application webhook, with the challenge in <c>X-Front-Challenge</c> (which the signature does not cover).
    /// </summary>
    public static HttpRequestMessage FrontChallenge(string challenge, string? body = null, DateTimeOffset? at = null, string? secret = null)
    {
        var request = Signed("front", body ?? Fixtures.Read("front_sync_challenge.json"), at: at, secret: secret);
        request.Headers.Add("X-Front-Challenge", challenge);
        return request;
    }

    /// <summary>Front's legacy rule webhooks: <c>X-Front-Signature</c> = base64 HMAC-SHA1 of the body, no timestamp.</summary>
    public static HttpRequestMessage FrontLegacy(string body, string? secret = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/front")
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add("X-Front-Signature", Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret ?? Secrets["front"]), bytes)));
        return request;
    }

    private static byte[] Concat(string prefix, byte[] body, string suffix = "") =>
        [.. Encoding.UTF8.GetBytes(prefix), .. body, .. Encoding.UTF8.GetBytes(suffix)];
}
