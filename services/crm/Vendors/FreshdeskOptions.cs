namespace Agents.Crm.Vendors;

/// <summary><c>Crm:Freshdesk</c>: the helpdesk's address and the API key the Freshdesk adapter writes with.</summary>
public sealed class FreshdeskOptions
{
    public const string Section = "Crm:Freshdesk";

    /// <summary>Defaults to https://{Domain}.freshdesk.com.</summary>
    public string? BaseUrl { get; set; }

    public string Domain { get; set; } = "";

    /// <summary>An agent's API key (Profile settings → View API key); sent as the Basic user name, with password X.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The custom ticket field set-category writes (e.g. <c>cf_category</c>); none, set-category is refused.</summary>
    public string? CategoryField { get; set; }

    /// <summary>What the Freshdesk adapter and reader lack to work at all, or null.</summary>
    public string? MissingSettings =>
        ApiKey.Length == 0 || (Domain.Length == 0 && string.IsNullOrWhiteSpace(BaseUrl)) ? "Crm:Freshdesk:Domain (or BaseUrl) and ApiKey must be set" : null;

    /// <summary>The group an escalation assigns the ticket to; none, the group stays.</summary>
    public long? EscalationGroupId { get; set; }

    public Uri ResolveBaseUrl() => new(string.IsNullOrWhiteSpace(BaseUrl) ? $"https://{Domain}.freshdesk.com" : BaseUrl);
}
