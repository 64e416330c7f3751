using Agents.Ingest.Requests;
using System.Text;
using Agents.Ingest.Sources;
using Agents.Ingest.Verification;
using Agents.Ingest.Webhooks;

namespace Agents.Ingest.Tests;

/// <summary>In-memory deliveries for the unit tests of the sources: no HTTP, no servers.</summary>
public static class Deliveries
{
    public static IWebhookSource Source(string name) =>
        IngestService.Sources().Select(t => (IWebhookSource)Activator.CreateInstance(t)!).Single(s => s.Name == name);

    public static WebhookRequest Request(string source, string body, IReadOnlyDictionary<string, string>? headers = null,
        string url = "http://localhost/webhooks/x", DateTimeOffset? at = null) =>
        Request(source, Encoding.UTF8.GetBytes(body), headers, url, at);

    public static WebhookRequest Request(string source, byte[] body, IReadOnlyDictionary<string, string>? headers = null,
        string url = "http://localhost/webhooks/x", DateTimeOffset? at = null) =>
        new(source, "POST", url, body, (headers ?? new Dictionary<string, string>()).ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value),
            at ?? DateTimeOffset.UtcNow);

    public static WebhookOutcome Parse(string source, string body, IReadOnlyDictionary<string, string>? headers = null) =>
        WebhookParser.Parse(Source(source), Request(source, body, headers), 32 * 1024);

    /// <summary>Null when the source accepts the request's signature, else the reason.</summary>
    public static string? Verify(string source, WebhookRequest request, string secret, DateTimeOffset now, SourceOptions? options = null) =>
        Source(source).Verify(request, new VerificationContext(secret,
            options ?? new SourceOptions { Header = source == "freshdesk" ? VendorRequests.FreshdeskHeader : null }, now, TimeSpan.FromMinutes(5)));

    /// <summary>A request built by <see cref="VendorRequests"/>, turned into what ingest sees.</summary>
    public static async Task<WebhookRequest> FromHttpAsync(string source, HttpRequestMessage message, string baseUrl = "http://localhost")
    {
        var headers = message.Headers.Concat(message.Content!.Headers).ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
        return new WebhookRequest(source, "POST", baseUrl + message.RequestUri, await message.Content.ReadAsByteArrayAsync(), headers, DateTimeOffset.UtcNow);
    }
}
