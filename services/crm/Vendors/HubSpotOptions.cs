namespace Agents.Crm.Vendors;

/// <summary><c>Crm:HubSpot</c>: the private app's access token and where the API is.</summary>
public sealed class HubSpotOptions
{
    public const string Section = "Crm:HubSpot";

    public string BaseUrl { get; set; } = "https://api.hubapi.com";
    public string AccessToken { get; set; } = "";

    /// <summary>What the HubSpot adapter and reader lack to work at all, or null.</summary>
    public string? MissingSettings => AccessToken.Length == 0 ? "Crm:HubSpot:AccessToken is not set" : null;

    /// <summary>The ticket property add-tags writes (HubSpot tickets have no tags of their own): a multiple checkboxes or text property.</summary>
    public string TagsProperty { get; set; } = "agents_tags";

    /// <summary>The owner (user id) an escalated ticket is assigned to; none, the owner stays.</summary>
    public string? EscalationOwnerId { get; set; }

    /// <summary>The pipeline stage id an escalated ticket moves to (e.g. "Waiting on us"); none, the stage stays.</summary>
    public string? EscalationPipelineStage { get; set; }
}
