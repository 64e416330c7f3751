using Agents.Crm;

namespace Agents.Writer.Crm;

public static class CrmRegistration
{
    /// <summary>
    /// Registers every CRM adapter and the routes that choose between them (<see cref="CrmRoutes"/>). An adapter no
    /// route uses is never called, so it needs no settings. Each adapter's address and credentials are on its
    /// vendor's named HttpClient (<see cref="CrmClients"/>), shared with the classifier's readers.
    /// </summary>
    public static IServiceCollection AddCrmAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCrmClients(configuration);
        services.AddSingleton<ICrmAdapter, JournalCrmAdapter>();
        services.AddSingleton<ICrmAdapter, ZendeskCrmAdapter>();
        services.AddSingleton<ICrmAdapter, HubSpotCrmAdapter>();
        services.AddSingleton<ICrmAdapter, FreshdeskCrmAdapter>();
        services.AddSingleton<ICrmAdapter, GitHubCrmAdapter>();
        services.AddSingleton<CrmRoutes>();
        return services;
    }
}
