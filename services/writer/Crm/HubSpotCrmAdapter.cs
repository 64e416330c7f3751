using System.Text.Json;
using Agents.Contracts;
using Agents.Crm.Vendors;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Crm;

/// <summary>
/// HubSpot CRM objects API: <c>PATCH /crm/v3/objects/tickets/{id}</c> with <c>{"properties":{…}}</c>, Bearer token of a
/// private app (set on the HttpClient). Priority and category are absolute values. Tags (HubSpot tickets have none) go
/// into a multi-value property, which a PATCH replaces whole and HubSpot lets no one write conditionally (no ETag or
/// If-Match on CRM objects, no append operation): <see cref="TagUnion"/> reads it, writes the union and reads it back,
/// merging again when another client replaced it meanwhile. HubSpot documents no idempotency key for object updates.
/// An escalation is a note on the ticket's timeline (<c>POST /crm/v3/objects/notes</c>, associated with the ticket),
/// unless the ticket's notes already hold this write's (<see cref="EscalationNote"/>), then the owner
/// (<c>Crm:HubSpot:EscalationOwnerId</c>) and pipeline stage (<c>Crm:HubSpot:EscalationPipelineStage</c>) when set.
/// </summary>
public sealed partial class HubSpotCrmAdapter(IHttpClientFactory http, IOptions<HubSpotOptions> options, TimeProvider clock) : HttpCrmAdapter(http)
{
    private static readonly Dictionary<string, string> Priorities = new()
    {
        ["low"] = "LOW", ["medium"] = "MEDIUM", ["normal"] = "MEDIUM", ["high"] = "HIGH", ["urgent"] = "URGENT",
    };

    // HubSpot's defined association type of a note to a ticket.
    private const int NoteToTicket = 228;

    // The notes read for an earlier note of this write: a batch read takes at most 100.
    private const int NotesRead = 100;

    // hs_ticket_category's built-in options.
    private static readonly Dictionary<string, string> Categories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["billing"] = "BILLING_ISSUE", ["technical"] = "PRODUCT_ISSUE", ["bug"] = "PRODUCT_ISSUE",
        ["feature"] = "FEATURE_REQUEST", ["feature-request"] = "FEATURE_REQUEST",
    };

    public override string Name => "hubspot";

    public override IReadOnlySet<string> Sources { get; } = new HashSet<string> { "hubspot" };

    protected override IReadOnlySet<string> Kinds { get; } = new HashSet<string>
        { WriteKinds.SetPriority, WriteKinds.AddTags, WriteKinds.SetCategory, WriteKinds.AddNote, WriteKinds.Escalate };

    public override string? MissingSettings => options.Value.MissingSettings;

    public override string? CannotApply(string kind, string externalId) =>
        base.CannotApply(kind, externalId)
        ?? (externalId.Length > 0 && externalId.All(char.IsAsciiDigit) ? null : $"'{externalId}' is not a HubSpot ticket id (a number)");

    public override async Task ApplyAsync(ApplyWrite write, CancellationToken cancellationToken)
    {
        var path = $"crm/v3/objects/tickets/{Uri.EscapeDataString(write.ExternalId)}";
        var properties = new Dictionary<string, string>();
        switch (write.Kind)
        {
            case WriteKinds.SetPriority:
                properties["hs_ticket_priority"] = Priority(write, Priorities);
                break;
            case WriteKinds.SetCategory:
                properties["hs_ticket_category"] = Categories.GetValueOrDefault(Change(write, "category"), "GENERAL_INQUIRY");
                break;
            case WriteKinds.AddTags:
                var property = options.Value.TagsProperty;
                await TagUnion.AddAsync(Name, Tags(write),
                    ct => CurrentValuesAsync(path, property, ct),
                    (tags, ct) => PatchAsync(path, new Dictionary<string, string> { [property] = string.Join(';', tags) }, ct),
                    cancellationToken);
                return;
            case WriteKinds.AddNote:
                await ApplyNoteAsync(write, cancellationToken);
                return;
            case WriteKinds.Escalate:
                if (!await HasNoteAsync(write, body => EscalationNote.IsFrom(write, body), cancellationToken))
                    await AddNoteAsync(write, EscalationNote.Html(write), cancellationToken);
                if (options.Value.EscalationOwnerId is { Length: > 0 } owner)
                    properties["hubspot_owner_id"] = owner;
                if (options.Value.EscalationPipelineStage is { Length: > 0 } stage)
                    properties["hs_pipeline_stage"] = stage;
                if (properties.Count == 0)
                    return;
                break;
            default:
                throw Unsupported(write, Name);
        }
        await PatchAsync(path, properties, cancellationToken);
    }

    /// <summary>
    /// The ticket's notes (the newest <see cref="NotesRead"/>: ids grow with time, and the newest are the ones a lost
    /// answer would have left) include one that <paramref name="says"/> what this write would.
    /// </summary>
    private async Task<bool> HasNoteAsync(ApplyWrite write, Func<string?, bool> says, CancellationToken cancellationToken)
    {
        using var associations = JsonDocument.Parse(await GetAsync(
            $"crm/v4/objects/tickets/{Uri.EscapeDataString(write.ExternalId)}/associations/notes?limit=500", cancellationToken));
        var ids = Results(associations.RootElement)
            .Select(r => r.TryGetProperty("toObjectId", out var id) && id.TryGetInt64(out var n) ? n : 0)
            .Where(n => n > 0)
            .OrderDescending()
            .Take(NotesRead)
            .ToList();
        if (ids.Count == 0)
            return false;
        using var request = new HttpRequestMessage(HttpMethod.Post, "crm/v3/objects/notes/batch/read")
        {
            Content = Json(new { properties = new[] { "hs_note_body" }, inputs = ids.Select(id => new { id = id.ToString(System.Globalization.CultureInfo.InvariantCulture) }) }),
        };
        using var notes = JsonDocument.Parse(await SendAsync(request, cancellationToken));
        return Results(notes.RootElement).Any(n =>
            n.TryGetProperty("properties", out var p) && p.TryGetProperty("hs_note_body", out var body) && body.ValueKind == JsonValueKind.String
            && says(body.GetString()));
    }

    private static IEnumerable<JsonElement> Results(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array
            ? results.EnumerateArray()
            : [];

    /// <summary>A note (HTML) on the ticket's timeline.</summary>
    private async Task AddNoteAsync(ApplyWrite write, string html, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "crm/v3/objects/notes")
        {
            Content = Json(new
            {
                properties = new Dictionary<string, string>
                {
                    ["hs_timestamp"] = clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
                    ["hs_note_body"] = html,
                },
                associations = new[]
                {
                    new { to = new { id = write.ExternalId }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = NoteToTicket } } },
                },
            }),
        };
        await SendAsync(request, cancellationToken);
    }

    private async Task PatchAsync(string path, Dictionary<string, string> properties, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = Json(new { properties }) };
        await SendAsync(request, cancellationToken);
    }

    private async Task<IReadOnlyList<string>> CurrentValuesAsync(string path, string property, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(await GetAsync($"{path}?properties={Uri.EscapeDataString(property)}", cancellationToken));
        return json.RootElement.TryGetProperty("properties", out var properties)
               && properties.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
    }
}
