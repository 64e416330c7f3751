using System.Text.Json;
using Agents.Crm.Vendors;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Agents.Crm.Reading;

/// <summary>
/// HubSpot CRM objects API: <c>GET /crm/v3/objects/tickets/{id}?properties=subject,content&amp;associations=notes,contacts</c>,
/// then the associated notes through <c>POST /crm/v3/objects/notes/batch/read</c> (HubSpot's comments). The requester is
/// the first associated contact; their tickets are the contact's ticket associations, read in one batch.
/// </summary>
public sealed class HubSpotReader(IHttpClientFactory http, CrmReadGate gate, IMemoryCache cache, IOptions<CrmReadingOptions> reading,
    IOptions<HubSpotOptions> options) : HttpCrmReader(http, gate, cache, reading)
{
    public override string Name => "hubspot";

    public override string? MissingSettings => options.Value.MissingSettings;

    public override async Task<CrmTicket> ReadTicketAsync(string externalId, CancellationToken cancellationToken)
    {
        if (!IsNumber(externalId))
            throw new CrmReadException($"hubspot: '{externalId}' is not a HubSpot ticket id (a number)", retryable: false);
        var ticket = await GetJsonAsync($"crm/v3/objects/tickets/{externalId}?properties=subject,content&associations=notes,contacts", cancellationToken);
        if (!ticket.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            throw Malformed("ticket properties");

        var noteIds = Associated(ticket, "notes").ToList();
        IReadOnlyList<CrmComment> comments = [];
        if (noteIds.Count > 0)
        {
            var notes = await PostJsonAsync("crm/v3/objects/notes/batch/read", new
            {
                properties = new[] { "hs_note_body", "hs_timestamp" },
                inputs = noteIds.Select(id => new { id }),
            }, cancellationToken);
            comments = Array(notes, "results")
                .Select(n => n.TryGetProperty("properties", out var p) ? p : default)
                .Select(p => new CrmComment(HtmlText.Plain(Text(p, "hs_note_body")), Time(p, "hs_timestamp"), Public: false))
                .OrderByDescending(c => c.At)
                .Take(Reading.LatestComments)
                .ToList();
        }
        return new CrmTicket(externalId, Text(properties, "subject"), Text(properties, "content"), comments,
            Associated(ticket, "contacts").FirstOrDefault());
    }

    public override async Task<IReadOnlyList<CrmTicketSummary>> RequesterTicketsAsync(CrmTicket ticket, CancellationToken cancellationToken)
    {
        if (ticket.RequesterId is not { } contact || !IsNumber(contact))
            return [];
        var tickets = Associated(await GetJsonAsync($"crm/v3/objects/contacts/{contact}?associations=tickets", cancellationToken), "tickets")
            .Where(id => id != ticket.Id)
            .Take(100) // HubSpot's batch read takes up to 100 ids
            .ToList();
        if (tickets.Count == 0)
            return [];
        var read = await PostJsonAsync("crm/v3/objects/tickets/batch/read", new
        {
            properties = new[] { "subject", "hs_pipeline_stage", "hs_lastmodifieddate" },
            inputs = tickets.Select(id => new { id }),
        }, cancellationToken);
        return Array(read, "results")
            .Select(t => (Id: Id(t, "id") ?? "", Properties: t.TryGetProperty("properties", out var p) ? p : default))
            .Select(t => new CrmTicketSummary(t.Id, Text(t.Properties, "subject"), Text(t.Properties, "hs_pipeline_stage"), Time(t.Properties, "hs_lastmodifieddate")))
            .OrderByDescending(t => t.UpdatedAt)
            .Take(Reading.RecentTickets)
            .ToList();
    }

    // {"associations":{"notes":{"results":[{"id":"…","type":"ticket_to_note"}]}}}
    private static IEnumerable<string> Associated(JsonElement element, string kind) =>
        element.TryGetProperty("associations", out var associations) && associations.ValueKind == JsonValueKind.Object
        && associations.TryGetProperty(kind, out var of) && of.ValueKind == JsonValueKind.Object
            ? Array(of, "results").Select(r => Id(r, "id")).OfType<string>().Distinct()
            : [];
}
