using Agents.Ingest.Persistence;
using Agents.Ingest.Quarantine;
using Agents.Ingest.Sources;
using Agents.Ingest.Unverified;
using Agents.Ingest.Webhooks;
using Agents.ServiceDefaults;
using Agents.ServiceDefaults.Security;

namespace Agents.Ingest;

/// <summary>Builds ingest: vendor webhooks in, verified and normalized, TicketReceived out.</summary>
public static class IngestService
{
    public const string Name = "agents-ingest";

    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = ServiceHost.CreateBuilder(args, overrides);
        builder.AddAgentsTelemetry(Name, IngestMetrics.MeterName);
        builder.Services.Configure<IngestOptions>(builder.Configuration.GetSection(IngestOptions.Section));

        var connectionString = builder.Configuration.GetConnectionString("Db")
            ?? throw new InvalidOperationException("ConnectionStrings:Db is not set (ingest keeps its quarantine and delivery tables there).");
        builder.Services.AddDbContextFactory<IngestDbContext>(o => IngestDbContext.Configure(o, connectionString));
        builder.Services.AddDbContext<IngestDbContext>(o => IngestDbContext.Configure(o, connectionString), optionsLifetime: ServiceLifetime.Singleton);

        foreach (var source in Sources())
            builder.Services.AddSingleton(typeof(IWebhookSource), source);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<DatabaseGate>();
        builder.Services.AddSingleton<IngestDataSource>();
        builder.Services.AddSingleton<DeliveryStore>();
        builder.Services.AddSingleton<InFlightDeliveries>();
        builder.Services.AddSingleton<QuarantineStore>();
        builder.Services.AddNamedTokenAuthentication(IngestOptions.OperatorsSection, "operator");
        builder.Services.AddSingleton<RetentionCleanup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionCleanup>());
        builder.Services.AddScoped<TicketPublisher>();
        builder.Services.AddScoped<TicketDelivery>();
        builder.Services.AddScoped<WebhookPipeline>();
        builder.Services.AddSingleton<WebhookBudgets>();
        builder.Services.AddSingleton<UnverifiedSample>();
        builder.Services.AddSingleton<UnverifiedRequests>();
        builder.AddAgentsBus(_ => { });
        builder.Services.AddSingleton<BrokerStatus>();
        builder.Services.AddHealthChecks().AddCheck<BrokerHealthCheck>("broker", tags: ["ready"]);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.MapAgentsHealth();
        app.MapOpenApi();
        app.MapIngestApi();
        return app;
    }

    /// <summary>Every vendor ingest knows; the path segment of each is its <see cref="IWebhookSource.Name"/>.</summary>
    public static IReadOnlyList<Type> Sources() =>
    [
        typeof(GenericSource), typeof(ZendeskSource), typeof(FreshdeskSource), typeof(GrooveSource), typeof(IntercomSource),
        typeof(FrontSource), typeof(JiraSource), typeof(GitHubSource), typeof(HubSpotSource),
    ];

    /// <summary>Migrates ingest's tables (safe with several instances), then runs until stopped.</summary>
    public static async Task RunAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        await DatabaseMigration.MigrateAsync<IngestDbContext>(app.Services, cancellationToken);
        await app.RunAsync(cancellationToken);
    }
}
