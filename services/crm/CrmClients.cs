using System.Net.Http.Headers;
using System.Text;
using Agents.Crm.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents.Crm;

public static class CrmClients
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Each vendor's options and its named HttpClient (<c>zendesk</c>, <c>hubspot</c>, <c>freshdesk</c>, <c>github</c>),
    /// which the writer's adapters and the classifier's readers both use. Vendor credentials go onto the HttpClient
    /// here and nowhere else: not into messages, prompts or log lines.
    /// </summary>
    public static IServiceCollection AddCrmClients(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ZendeskOptions>(configuration.GetSection(ZendeskOptions.Section));
        services.Configure<HubSpotOptions>(configuration.GetSection(HubSpotOptions.Section));
        services.Configure<FreshdeskOptions>(configuration.GetSection(FreshdeskOptions.Section));
        services.Configure<GitHubOptions>(configuration.GetSection(GitHubOptions.Section));

        services.AddHttpClient("zendesk", (sp, http) =>
        {
            var o = sp.GetRequiredService<IOptions<ZendeskOptions>>().Value;
            Configure(http, o.ResolveBaseUrl(), new AuthenticationHeaderValue("Basic", Base64($"{o.Email}/token:{o.ApiToken}")));
        });
        services.AddHttpClient("hubspot", (sp, http) =>
        {
            var o = sp.GetRequiredService<IOptions<HubSpotOptions>>().Value;
            Configure(http, new Uri(o.BaseUrl), new AuthenticationHeaderValue("Bearer", o.AccessToken));
        });
        services.AddHttpClient("freshdesk", (sp, http) =>
        {
            var o = sp.GetRequiredService<IOptions<FreshdeskOptions>>().Value;
            // Freshdesk's convention: the API key is the user name, the password is ignored ("X").
            Configure(http, o.ResolveBaseUrl(), new AuthenticationHeaderValue("Basic", Base64($"{o.ApiKey}:X")));
        });
        services.AddHttpClient("github", (sp, http) =>
        {
            var o = sp.GetRequiredService<IOptions<GitHubOptions>>().Value;
            Configure(http, new Uri(o.BaseUrl), new AuthenticationHeaderValue("Bearer", o.Token));
            // GitHub refuses requests without a User-Agent, and pins the API version by header.
            http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Agents", "1.0"));
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
            http.DefaultRequestHeaders.Add("X-GitHub-Api-Version", "2022-11-28");
        });
        return services;
    }

    private static void Configure(HttpClient http, Uri baseUrl, AuthenticationHeaderValue authorization)
    {
        http.BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        http.Timeout = Timeout;
        http.DefaultRequestHeaders.Authorization = authorization;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
