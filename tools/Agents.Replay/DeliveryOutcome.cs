using System.Net;
using System.Text.Json;
using Agents.Webhooks;

namespace Agents.Replay;

/// <summary>What ingest made of one replayed ticket, read from its answer.</summary>
public enum DeliveryKind
{
    /// <summary>202: published, confirmed by the broker.</summary>
    Accepted,

    /// <summary>200 with <c>"duplicate": true</c>: this delivery was accepted before, nothing published again.</summary>
    Duplicate,

    /// <summary>A 4xx answer: refused for good (bad signature, malformed, no ticket id, …).</summary>
    Refused,

    /// <summary>No usable answer after every attempt (429/503 throughout, connection refused, time-outs) or an unexpected one.</summary>
    Failed,
}

/// <summary>One ticket's outcome: its kind, the last status, the attempts, and ingest's reason when it gave one.</summary>
public sealed record DeliveryOutcome(WebhookDelivery Delivery, DeliveryKind Kind, HttpStatusCode? Status, int Attempts, TimeSpan Latency, string? Detail)
{
    public static DeliveryOutcome From(DeliveryResult result)
    {
        var (kind, detail) = result.Status switch
        {
            HttpStatusCode.Accepted => (DeliveryKind.Accepted, null),
            HttpStatusCode.OK when Flag(result.Answer, "duplicate") => (DeliveryKind.Duplicate, null),
            { } s when (int)s is >= 400 and < 500 and not 429 => (DeliveryKind.Refused, Reason(result.Answer)),
            null => (DeliveryKind.Failed, result.Answer is null ? "no answer" : $"no answer: {result.Answer}"),
            _ => (DeliveryKind.Failed, Reason(result.Answer)),
        };
        return new DeliveryOutcome(result.Delivery, kind, result.Status, result.Attempts, result.Latency, detail);
    }

    private static bool Flag(string? json, string name) =>
        Read(json) is { } root && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>A problem document's title and detail, or an answer's note.</summary>
    private static string? Reason(string? json)
    {
        if (Read(json) is not { } root)
            return string.IsNullOrWhiteSpace(json) ? null : json;
        var parts = new[] { "title", "detail", "note" }
            .Select(name => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
            .Where(text => !string.IsNullOrWhiteSpace(text))
            .ToList();
        return parts.Count == 0 ? null : string.Join(" ", parts);
    }

    private static JsonElement? Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null; // an answer cut at its maximum length, or not JSON at all
        }
    }
}
