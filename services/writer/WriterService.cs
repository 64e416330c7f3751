using Agents.ServiceDefaults;
using Agents.Writer.Approvals;
using Agents.Writer.Crm;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer;

/// <summary>Builds the writer: the approval saga, the CRM adapter and the approval API.</summary>
public static class WriterService
{
    public const string Name = "agents-writer";

    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = ServiceHost.CreateBuilder(args, overrides);
        builder.AddAgentsTelemetry(Name);

        builder.Services.Configure<WriterOptions>(builder.Configuration.GetSection(WriterOptions.Section));
        var connectionString = builder.Configuration.GetConnectionString("Db")
            ?? throw new InvalidOperationException("ConnectionStrings:Db is not set.");
        builder.Services.AddDbContextFactory<WriterDbContext>(o => o.UseNpgsql(connectionString));
        builder.Services.AddDbContext<WriterDbContext>(o => o.UseNpgsql(connectionString), optionsLifetime: ServiceLifetime.Singleton);

        builder.Services.AddSingleton<ICrmAdapter, JournalCrmAdapter>();

        builder.AddAgentsBus(x =>
        {
            x.AddSagaStateMachine<WriteApprovalStateMachine, WriteApprovalState, WriteApprovalSagaDefinition>()
                .PostgresRepository<WriteApprovalState, WriterDbContext>();
            x.AddConsumer<ApplyWriteConsumer>();
        });

        builder.Services.AddAuthentication(ApproverTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApproverTokenHandler>(ApproverTokenHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.UseApprovalPage();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAgentsHealth();
        app.MapOpenApi();
        app.MapApprovals();
        app.MapApprovalPage();
        return app;
    }

    /// <summary>Migrates the database (safe with several instances), then runs until stopped.</summary>
    public static async Task RunAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        await DatabaseMigration.MigrateAsync<WriterDbContext>(app.Services, cancellationToken);
        await app.RunAsync(cancellationToken);
    }
}
