using System.Text.Json;
using Agents.Contracts;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Crm;

/// <summary>
/// HubSpot CRM objects API: <c>PATCH /crm/v3/objects/tickets/{id}</c> with <c>{"properties":{…}}</c>, Bearer token of a
/// private app (set on the HttpClient). Priority and category are absolute values. Tags (HubSpot tickets have none) go
/// into a multi-value property, which a PATCH replaces whole and HubSpot lets no one write conditionally (no ETag or
/// If-Match on CRM objects, no append operation): <see cref="TagUnion"/> reads it, writes the union and reads it back,
/// merging again when another client replaced it meanwhile. HubSpot documents no idempotency key for object updates.
/// </summary>
public sealed partial class HubSpotCrmAdapter(IHttpClientFactory http, IOptions<HubSpotOptions> options) : HttpCrmAdapter(http)
{
    private static readonly Dictionary<string, string> Priorities = new()
    {
        ["low"] = "LOW", ["medium"] = "MEDIUM", ["normal"] = "MEDIUM", ["high"] = "HIGH", ["urgent"] = "URGENT",
    };

    // hs_ticket_category's built-in options.
    private static readonly Dictionary<string, string> Categories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["billing"] = "BILLING_ISSUE", ["technical"] = "PRODUCT_ISSUE", ["bug"] = "PRODUCT_ISSUE",
        ["feature"] = "FEATURE_REQUEST", ["feature-request"] = "FEATURE_REQUEST",
    };

    public override string Name => "hubspot";

    public override IReadOnlySet<string> Sources { get; } = new HashSet<string> { "hubspot" };

    protected override IReadOnlySet<string> Kinds { get; } = new HashSet<string> { WriteKinds.SetPriority, WriteKinds.AddTags, WriteKinds.SetCategory, WriteKinds.AddNote };

    public override string? MissingSettings => options.Value.AccessToken.Length == 0 ? "Crm:HubSpot:AccessToken is not set" : null;

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
            default:
                throw Unsupported(write, Name);
        }
        await PatchAsync(path, properties, cancellationToken);
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
