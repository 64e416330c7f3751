using Agents.Ingest.Sources;
using Agents.Ingest.Webhooks;
using Agents.ServiceDefaults;

namespace Agents.Ingest;

/// <summary>Builds ingest: vendor webhooks in, verified and normalized, TicketReceived out.</summary>
public static class IngestService
{
    public const string Name = "agents-ingest";

    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = ServiceHost.CreateBuilder(args, overrides);
        builder.AddAgentsTelemetry(Name);
        builder.Services.Configure<IngestOptions>(builder.Configuration.GetSection(IngestOptions.Section));
        builder.Services.AddSingleton<IWebhookSource, GenericSource>();
        builder.Services.AddScoped<TicketPublisher>();
        builder.AddAgentsBus(_ => { });
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.MapAgentsHealth();
        app.MapOpenApi();
        app.MapWebhooks();
        return app;
    }
}
