using Agents.Ingest.Requests;
using Agents.Ingest.Sources;
using Microsoft.Extensions.Options;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// What becomes of a verified delivery's bytes, the same for a live webhook and an operator's replay of a quarantined
/// one: parsed (strict UTF-8 and JSON, the source's reading, the normalizer), published with the duplicate checks, and
/// the status the vendor gets. The steps that only a live HTTP request has (unknown source, body limit, signature,
/// budgets, media type, Front's challenge) stay with the endpoint, and each caller decides what a refusal costs
/// (quarantine and Retry-After live; a result recorded on the row for a replay).
/// </summary>
public sealed class WebhookPipeline(TicketDelivery delivery, IOptions<IngestOptions> options)
{
    public const string BrokerUnavailable = "The message broker is unavailable; retry later.";
    public const string AlreadyAccepted = "already accepted; not published again";

    public async Task<PipelineResult> RunAsync(IWebhookSource source, WebhookRequest request, CancellationToken cancellationToken)
    {
        var outcome = WebhookParser.Parse(source, request, options.Value.MaxTextLength);
        if (outcome.Refused)
            return PipelineResult.Of(outcome.Status, outcome.Reason);
        if (outcome.Tickets.Count == 0)
            return PipelineResult.Of(StatusCodes.Status200OK, outcome.Reason);

        var result = await delivery.DeliverAsync(source.Name, outcome.Tickets, request.Body, cancellationToken);
        if (result.BrokerUnavailable)
            return PipelineResult.Of(StatusCodes.Status503ServiceUnavailable, BrokerUnavailable) with { Duplicates = result.Duplicates };
        if (result.Published == 0)
            return new PipelineResult(StatusCodes.Status200OK, 0, result.Duplicates, AlreadyAccepted, Duplicate: true, [], []);
        return new PipelineResult(StatusCodes.Status202Accepted, result.Published, result.Duplicates, null, Duplicate: false,
            outcome.Tickets.Select(t => t.ExternalId).ToList(), outcome.Tickets.SelectMany(t => t.Warnings).Distinct().ToList());
    }
}

/// <summary>
/// A delivery's fate: the status a live vendor gets (202 published, 200 nothing to publish or a duplicate, 400/422 refused,
/// 503 the broker did not confirm), what was published and skipped, why, and the tickets with the normalizer's warnings.
/// </summary>
public sealed record PipelineResult(int Status, int Published, int Duplicates, string? Reason, bool Duplicate,
    IReadOnlyList<string> Tickets, IReadOnlyList<string> Warnings)
{
    public bool Refused => Status >= 400;

    public static PipelineResult Of(int status, string? reason) => new(status, 0, 0, reason, Duplicate: false, [], []);
}
