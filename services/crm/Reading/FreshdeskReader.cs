using System.Globalization;
using Agents.Crm.Vendors;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Agents.Crm.Reading;

/// <summary>
/// Freshdesk API v2: <c>GET /api/v2/tickets/{id}</c> (subject, <c>description_text</c>, requester_id), its
/// conversations through <c>GET /api/v2/tickets/{id}/conversations</c> (oldest first, 100 a page, <c>body_text</c>),
/// and the requester's tickets through <c>GET /api/v2/tickets?requester_id={id}&amp;order_by=updated_at</c>. Not
/// <c>?include=conversations</c>: it embeds the oldest ten only (and costs two more credits), and the newest are wanted.
/// </summary>
public sealed class FreshdeskReader(IHttpClientFactory http, CrmReadGate gate, IMemoryCache cache, IOptions<CrmReadingOptions> reading,
    IOptions<FreshdeskOptions> options) : HttpCrmReader(http, gate, cache, reading)
{
    // Freshdesk's ticket statuses (2 open … 5 closed), as its API documents them.
    private static readonly Dictionary<string, string> Statuses = new() { ["2"] = "open", ["3"] = "pending", ["4"] = "resolved", ["5"] = "closed" };

    private const int PageSize = 100; // Freshdesk's largest page
    private const int MaxPages = 10;

    public override string Name => "freshdesk";

    public override string? MissingSettings => options.Value.MissingSettings;

    public override async Task<CrmTicket> ReadTicketAsync(string externalId, CancellationToken cancellationToken)
    {
        if (!IsNumber(externalId))
            throw new CrmReadException($"freshdesk: '{externalId}' is not a Freshdesk ticket id (a number)", retryable: false);
        var ticket = await GetJsonAsync($"api/v2/tickets/{externalId}", cancellationToken);
        if (Id(ticket, "id") is null)
            throw Malformed("ticket");
        return new CrmTicket(externalId, Text(ticket, "subject"), Text(ticket, "description_text"),
            await LatestConversationsAsync(externalId, cancellationToken), Id(ticket, "requester_id"));
    }

    // Oldest first and no total: the pages are read until one is not full (at most MaxPages, the newest being last).
    private async Task<IReadOnlyList<CrmComment>> LatestConversationsAsync(string ticket, CancellationToken cancellationToken)
    {
        var conversations = new List<CrmComment>();
        for (var page = 1; page <= MaxPages; page++)
        {
            var answer = Array(await GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
                $"api/v2/tickets/{ticket}/conversations?per_page={PageSize}&page={page}"), cancellationToken)).ToList();
            conversations.AddRange(answer.Select(c => new CrmComment(Text(c, "body_text"), Time(c, "created_at"),
                !c.TryGetProperty("private", out var p) || p.ValueKind != System.Text.Json.JsonValueKind.True)));
            if (answer.Count < PageSize)
                break;
        }
        return conversations.AsEnumerable().Reverse().Take(Reading.LatestComments).ToList();
    }

    public override async Task<IReadOnlyList<CrmTicketSummary>> RequesterTicketsAsync(CrmTicket ticket, CancellationToken cancellationToken)
    {
        if (ticket.RequesterId is not { } requester || !IsNumber(requester))
            return [];
        var answer = await GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
            $"api/v2/tickets?requester_id={requester}&order_by=updated_at&order_type=desc&per_page={Reading.RecentTickets + 1}"), cancellationToken);
        return Array(answer)
            .Select(t => new CrmTicketSummary(Id(t, "id") ?? "", Text(t, "subject"),
                Id(t, "status") is { } s ? Statuses.GetValueOrDefault(s, s) : null, Time(t, "updated_at")))
            .Where(t => t.Id != ticket.Id)
            .Take(Reading.RecentTickets)
            .ToList();
    }
}
