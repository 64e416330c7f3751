using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agents.Crm.Reading;

public static class CrmReaders
{
    /// <summary>The read side of every CRM, on the vendors' HttpClients (<see cref="CrmClients"/>), with one rate limit per CRM.</summary>
    public static IServiceCollection AddCrmReaders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCrmClients(configuration);
        services.Configure<CrmReadingOptions>(configuration.GetSection(CrmReadingOptions.Section));
        services.AddMemoryCache();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CrmReadGate>();
        services.AddSingleton<ICrmReader, ZendeskReader>();
        services.AddSingleton<ICrmReader, HubSpotReader>();
        services.AddSingleton<ICrmReader, FreshdeskReader>();
        services.AddSingleton<ICrmReader, GitHubReader>();
        return services;
    }
}
