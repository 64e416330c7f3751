using System.Net;

namespace Agents.Webhooks;

/// <summary>
/// What happened to one delivery: the final status (null: never answered), attempts made, the answering attempt's
/// latency, when it was accepted, the body of the last answer (cut at <see cref="MaxAnswerLength"/>), and, when the
/// sender records them, one line per attempt.
/// </summary>
public sealed record DeliveryResult(WebhookDelivery Delivery, HttpStatusCode? Status, int Attempts, TimeSpan Latency,
    DateTimeOffset AcceptedAt, string? Answer = null, IReadOnlyList<string>? AttemptLog = null)
{
    public const int MaxAnswerLength = 2048;

    public bool Accepted => Status is { } s && (int)s is >= 200 and < 300;
}
