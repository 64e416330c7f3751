namespace Agents.Crm.Vendors;

/// <summary><c>Crm:Zendesk</c>: where and as whom the Zendesk adapter writes and reads. The token never leaves the HttpClient.</summary>
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

    /// <summary>What the Zendesk adapter and reader lack to work at all, or null.</summary>
    public string? MissingSettings =>
        Email.Length == 0 || ApiToken.Length == 0 || (Subdomain.Length == 0 && string.IsNullOrWhiteSpace(BaseUrl))
            ? "Crm:Zendesk:Subdomain (or BaseUrl), Email and ApiToken must be set"
            : null;

    /// <summary>The tag an escalation adds to the ticket (views and triggers can route on it).</summary>
    public string EscalationTag { get; set; } = "needs-human";

    /// <summary>The group an escalation assigns the ticket to; none, the group stays.</summary>
    public long? EscalationGroupId { get; set; }

    public Uri ResolveBaseUrl() => new(string.IsNullOrWhiteSpace(BaseUrl) ? $"https://{Subdomain}.zendesk.com" : BaseUrl);
}
