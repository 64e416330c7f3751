using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Agents.ServiceDefaults;

public static class ServiceHost
{
    /// <summary>
    /// A web application builder for one of our services. Tests, the launcher and Program.cs all start services
    /// through it, with <paramref name="overrides"/> layered last (over appsettings and environment), and PostgreSQL's
    /// limits on every session (<see cref="DatabaseTimeouts"/>) in the connection string.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string?>? overrides)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (overrides is not null)
            builder.Configuration.AddInMemoryCollection(overrides);
        DatabaseTimeouts.Apply(builder);
        return builder;
    }
}
