using System.Globalization;
using Agents.Crm.Vendors;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Agents.Crm.Reading;

/// <summary>
/// Zendesk Support: <c>GET /api/v2/tickets/{id}.json</c> (subject, description, requester_id), the newest comments
/// through <c>GET /api/v2/tickets/{id}/comments.json?sort_order=desc</c> (<c>plain_body</c>; the first comment, which
/// Zendesk keeps as the description, is not read twice), and the requester's
/// tickets through <c>GET /api/v2/users/{id}/tickets/requested.json</c>.
/// </summary>
public sealed class ZendeskReader(IHttpClientFactory http, CrmReadGate gate, IMemoryCache cache, IOptions<CrmReadingOptions> reading,
    IOptions<ZendeskOptions> options) : HttpCrmReader(http, gate, cache, reading)
{
    public override string Name => "zendesk";

    public override string? MissingSettings => options.Value.MissingSettings;

    public override async Task<CrmTicket> ReadTicketAsync(string externalId, CancellationToken cancellationToken)
    {
        if (!IsNumber(externalId))
            throw new CrmReadException($"zendesk: '{externalId}' is not a Zendesk ticket id (a number)", retryable: false);
        var answer = await GetJsonAsync($"api/v2/tickets/{externalId}.json", cancellationToken);
        if (!answer.TryGetProperty("ticket", out var ticket))
            throw Malformed("ticket");
        // One more than wanted: the oldest comment of a short thread is the description itself, left out below.
        var comments = await GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
            $"api/v2/tickets/{externalId}/comments.json?sort_order=desc&per_page={Reading.LatestComments + 1}"), cancellationToken);
        var description = Text(ticket, "description");
        return new CrmTicket(externalId, Text(ticket, "subject"), description,
            Array(comments, "comments")
                .Select(c => new CrmComment(Text(c, "plain_body") is { Length: > 0 } plain ? plain : Text(c, "body"), Time(c, "created_at"),
                    !c.TryGetProperty("public", out var p) || p.ValueKind != System.Text.Json.JsonValueKind.False))
                .Where(c => c.Text.Trim() != description.Trim())
                .Take(Reading.LatestComments)
                .ToList(),
            Id(ticket, "requester_id"));
    }

    public override async Task<IReadOnlyList<CrmTicketSummary>> RequesterTicketsAsync(CrmTicket ticket, CancellationToken cancellationToken)
    {
        if (ticket.RequesterId is not { } requester || !IsNumber(requester))
            return [];
        var answer = await GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
            $"api/v2/users/{requester}/tickets/requested.json?sort_by=updated_at&sort_order=desc&per_page={Reading.RecentTickets + 1}"), cancellationToken);
        return Array(answer, "tickets")
            .Select(t => new CrmTicketSummary(Id(t, "id") ?? "", Text(t, "subject"), Text(t, "status"), Time(t, "updated_at")))
            .Where(t => t.Id != ticket.Id)
            .Take(Reading.RecentTickets)
            .ToList();
    }
}
