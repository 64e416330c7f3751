using Agents.Ingest.Requests;
using System.Text.Json;
using Agents.Ingest.Normalization;
using Agents.Ingest.Verification;

namespace Agents.Ingest.Sources;

/// <summary>
/// HubSpot app webhooks: a JSON array of events carrying ids only (objectId, eventId, subscriptionType). Each
/// event becomes one ticket marked <c>NeedsHydration</c>: its text is read from HubSpot's API later. Signed
/// <c>X-HubSpot-Signature-v3</c> = base64 HMAC-SHA256 of method + URL + body + <c>X-HubSpot-Request-Timestamp</c>
/// (milliseconds) with the app's client secret; v1/v2 (<c>X-HubSpot-Signature</c>, no timestamp) only with
/// <c>AllowLegacySignatures</c>.
/// </summary>
public sealed class HubSpotSource : IWebhookSource
{
    public string Name => "hubspot";

    public bool ReadsArrays => true;

    public string? Verify(WebhookRequest request, VerificationContext context)
    {
        var url = context.Options.PublicUrl ?? request.Url;
        var v3 = request.Header("x-hubspot-signature-v3");
        if (!string.IsNullOrEmpty(v3))
        {
            var timestamp = request.Header("x-hubspot-request-timestamp");
            if (Signatures.CheckFreshness(timestamp, "x-hubspot-request-timestamp", context.Now, context.Tolerance, milliseconds: true) is { } stale)
                return stale;
            return Signatures.Matches(V3(context.Secret, request.Method, url, request.Body, timestamp!), v3, DigestEncoding.Base64)
                ? null : "x-hubspot-signature-v3 does not match";
        }
        var legacy = request.Header("x-hubspot-signature");
        if (string.IsNullOrEmpty(legacy))
            return "missing x-hubspot-signature-v3 header";
        if (!context.Options.AllowLegacySignatures)
            return "HubSpot v1/v2 signatures carry no timestamp and are not allowed";
        var expected = request.Header("x-hubspot-signature-version") == "v2"
            ? V2(context.Secret, request.Method, url, request.Body)
            : V1(context.Secret, request.Body);
        return Signatures.Matches(expected, legacy, DigestEncoding.Hex) ? null : "x-hubspot-signature does not match";
    }

    public static byte[] V3(string secret, string method, string url, byte[] body, string timestamp) =>
        Signatures.HmacSha256(Signatures.Utf8(secret), Signatures.Utf8(method + url), body, Signatures.Utf8(timestamp));

    public static byte[] V2(string secret, string method, string url, byte[] body) =>
        Signatures.Sha256(Signatures.Utf8(secret + method + url), body);

    public static byte[] V1(string secret, byte[] body) => Signatures.Sha256(Signatures.Utf8(secret), body);

    public SourceResult Read(WebhookRequest request, PayloadReader payload)
    {
        var root = payload.Root;
        // HubSpot always sends an array; a single event object is read as a batch of one.
        var events = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().ToList(),
            JsonValueKind.Object => [root],
            _ => [],
        };
        if (events.Count == 0)
            return SourceResult.NoTicket("the payload holds no HubSpot events");

        var drafts = new List<TicketDraft>();
        var skipped = 0;
        foreach (var element in events)
        {
            var e = new PayloadReader(element, [.. payload.Warnings]);
            var objectId = element.ValueKind == JsonValueKind.Object ? e.Text("objectId") : null;
            if (objectId is null)
            {
                skipped++;
                continue;
            }
            drafts.Add(new TicketDraft
            {
                ExternalId = objectId,
                EventKind = e.Text("subscriptionType") ?? "object.change",
                EventId = e.Text("eventId"),
                VendorStatus = e.Text("propertyName") == "hs_pipeline_stage" ? e.Text("propertyValue") : null,
                UpdatedAt = e.At("occurredAt"),
                NeedsHydration = true,
                Warnings = e.Warnings,
            });
        }
        if (drafts.Count == 0)
            return SourceResult.NoTicket("no HubSpot event names an object (objectId)");
        if (skipped > 0)
            foreach (var d in drafts)
                d.Warnings.Add($"{skipped} event(s) of the batch named no object and were skipped");
        return SourceResult.Tickets(drafts);
    }
}
