using System.Text.Json;
using Agents.Contracts;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Crm;

/// <summary>
/// HubSpot CRM objects API: <c>PATCH /crm/v3/objects/tickets/{id}</c> with <c>{"properties":{…}}</c>, Bearer token of a
/// private app (set on the HttpClient). Priority and category are absolute values; tags (HubSpot tickets have none)
/// go into a multi-value property as the union of what is there and what we add, so a replay writes the same value.
/// HubSpot documents no idempotency key for object updates, so none is sent.
/// </summary>
public sealed class HubSpotCrmAdapter(IHttpClientFactory http, IOptions<HubSpotOptions> options) : HttpCrmAdapter(http)
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

    protected override IReadOnlySet<string> Kinds { get; } = new HashSet<string> { WriteKinds.SetPriority, WriteKinds.AddTags, WriteKinds.SetCategory };

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
                var current = await CurrentValuesAsync(path, property, cancellationToken);
                properties[property] = string.Join(';', current.Union(Tags(write), StringComparer.Ordinal).Order(StringComparer.Ordinal));
                break;
            default:
                throw Unsupported(write, Name);
        }
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = Json(new { properties }) };
        await SendAsync(request, cancellationToken);
    }

    private async Task<IReadOnlyList<string>> CurrentValuesAsync(string path, string property, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{path}?properties={Uri.EscapeDataString(property)}");
        using var json = JsonDocument.Parse(await SendAsync(request, cancellationToken));
        return json.RootElement.TryGetProperty("properties", out var properties)
               && properties.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
    }
}
