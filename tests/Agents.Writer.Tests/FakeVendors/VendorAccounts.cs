namespace Agents.Writer.Tests.FakeVendors;

/// <summary>The accounts the fake vendors accept, and the writer settings that point its adapters at them.</summary>
public static class VendorAccounts
{
    public const string ZendeskEmail = "agent@example.com";
    public const string ZendeskToken = "zd-token-9f8e7d";
    public const string HubSpotToken = "pat-na1-1111-2222-3333";
    public const string FreshdeskKey = "fd-key-5a6b7c8d";
    public const string GitHubToken = "ghp_testtoken000000000000000000000000";

    /// <summary>Short CRM retries, so a test of 429s and 5xx takes milliseconds, not seconds.</summary>
    public static Dictionary<string, string?> Retries => new()
    {
        ["Writer:CrmRetryLimit"] = "2",
        ["Writer:CrmRetryDelay"] = "00:00:00.050",
    };

    /// <summary>
    /// Each vendor's address and credentials (the configured ones unless <paramref name="credentials"/> overrides
    /// them), short retries, then <paramref name="extra"/> (routes, …).
    /// </summary>
    public static Dictionary<string, string?> Settings(IEnumerable<FakeVendorServer> vendors, IReadOnlyDictionary<string, string?>? extra = null,
        string? credentials = null)
    {
        var settings = Retries;
        foreach (var vendor in vendors)
        {
            var url = vendor.BaseUrl.ToString();
            switch (vendor)
            {
                case FakeZendesk:
                    settings["Crm:Zendesk:BaseUrl"] = url;
                    settings["Crm:Zendesk:Subdomain"] = "acme";
                    settings["Crm:Zendesk:Email"] = ZendeskEmail;
                    settings["Crm:Zendesk:ApiToken"] = credentials ?? ZendeskToken;
                    break;
                case FakeHubSpot:
                    settings["Crm:HubSpot:BaseUrl"] = url;
                    settings["Crm:HubSpot:AccessToken"] = credentials ?? HubSpotToken;
                    break;
                case FakeFreshdesk:
                    settings["Crm:Freshdesk:BaseUrl"] = url;
                    settings["Crm:Freshdesk:ApiKey"] = credentials ?? FreshdeskKey;
                    break;
                case FakeGitHub:
                    settings["Crm:GitHub:BaseUrl"] = url;
                    settings["Crm:GitHub:Token"] = credentials ?? GitHubToken;
                    break;
                default:
                    throw new ArgumentException($"No account for {vendor.GetType().Name}.", nameof(vendors));
            }
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }
}
