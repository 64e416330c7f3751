using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Crm;

public static class CrmRegistration
{
    /// <summary>
    /// Registers the adapter <c>Writer:CrmAdapter</c> names. Vendor credentials go onto the HttpClient's default
    /// headers here and nowhere else: not into messages, not into log lines.
    /// </summary>
    public static IServiceCollection AddCrmAdapter(this IServiceCollection services, IConfiguration configuration)
    {
        var adapter = configuration.GetSection(WriterOptions.Section).Get<WriterOptions>()?.CrmAdapter ?? "journal";
        services.Configure<ZendeskOptions>(configuration.GetSection(ZendeskOptions.Section));
        services.Configure<HubSpotOptions>(configuration.GetSection(HubSpotOptions.Section));
        switch (adapter.Trim().ToLowerInvariant())
        {
            case "journal":
                services.AddSingleton<ICrmAdapter, JournalCrmAdapter>();
                break;
            case "zendesk":
                services.AddHttpClient<ICrmAdapter, ZendeskCrmAdapter>((sp, http) =>
                {
                    var o = sp.GetRequiredService<IOptions<ZendeskOptions>>().Value;
                    if (o.Email.Length == 0 || o.ApiToken.Length == 0 || (o.Subdomain.Length == 0 && string.IsNullOrWhiteSpace(o.BaseUrl)))
                        throw new InvalidOperationException("Writer:CrmAdapter is zendesk but Crm:Zendesk:Subdomain/BaseUrl, Email or ApiToken is not set.");
                    http.BaseAddress = WithSlash(o.ResolveBaseUrl());
                    http.Timeout = TimeSpan.FromSeconds(30);
                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.Email}/token:{o.ApiToken}")));
                });
                break;
            case "hubspot":
                services.AddHttpClient<ICrmAdapter, HubSpotCrmAdapter>((sp, http) =>
                {
                    var o = sp.GetRequiredService<IOptions<HubSpotOptions>>().Value;
                    if (o.AccessToken.Length == 0)
                        throw new InvalidOperationException("Writer:CrmAdapter is hubspot but Crm:HubSpot:AccessToken is not set.");
                    http.BaseAddress = WithSlash(new Uri(o.BaseUrl));
                    http.Timeout = TimeSpan.FromSeconds(30);
                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", o.AccessToken);
                });
                break;
            default:
                throw new InvalidOperationException($"Writer:CrmAdapter '{adapter}' is not one of journal, zendesk, hubspot.");
        }
        return services;
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
