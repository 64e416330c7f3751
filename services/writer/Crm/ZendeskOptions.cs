namespace Agents.Writer.Crm;

/// <summary><c>Crm:Zendesk</c>: where and as whom the Zendesk adapter writes. The token never leaves the HttpClient.</summary>
public sealed class ZendeskOptions
{
    public const string Section = "Crm:Zendesk";

    /// <summary>Defaults to https://{Subdomain}.zendesk.com.</summary>
    public string? BaseUrl { get; set; }

    public string Subdomain { get; set; } = "";
    public string Email { get; set; } = "";
    public string ApiToken { get; set; } = "";

    /// <summary>The id of the ticket field set-category writes; none, set-category writes fail.</summary>
    public long? CategoryFieldId { get; set; }

    public Uri ResolveBaseUrl() => new(string.IsNullOrWhiteSpace(BaseUrl) ? $"https://{Subdomain}.zendesk.com" : BaseUrl);
}

/// <summary><c>Crm:HubSpot</c>: the private app's access token and where the API is.</summary>
public sealed class HubSpotOptions
{
    public const string Section = "Crm:HubSpot";

    public string BaseUrl { get; set; } = "https://api.hubapi.com";
    public string AccessToken { get; set; } = "";

    /// <summary>The ticket property add-tags writes (HubSpot tickets have no tags of their own): a multiple checkboxes or text property.</summary>
    public string TagsProperty { get; set; } = "agents_tags";
}
