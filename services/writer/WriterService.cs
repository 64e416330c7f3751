using Agents.Sagas.Postgres;
using Agents.ServiceDefaults;
using Agents.ServiceDefaults.Security;
using Agents.Writer.Approvals;
using Agents.Writer.BulkGuard;
using Agents.Writer.Crm;
using Agents.Writer.Escalations;
using Agents.Writer.Expiry;
using Agents.Writer.Persistence;
using Agents.Crm.Policy;
using Agents.Writer.Policy;
using Agents.Writer.Redrive;
using Agents.Writer.Sagas;
using Agents.Writer.Sagas.Activities;
using Agents.Writer.Shadow;
using Agents.Writer.Telemetry;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agents.Writer;

/// <summary>Builds the writer: the approval saga, the CRM adapters, the escalation inbox and the approval API.</summary>
public static class WriterService
{
    public const string Name = "agents-writer";

    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null) =>
        Build(args, overrides, configure: null);

    /// <summary>As <see cref="Build(string[], IReadOnlyDictionary{string, string?}?)"/>, with a last say on the builder (tests add a log capture).</summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides, Action<WebApplicationBuilder>? configure)
    {
        var builder = ServiceHost.CreateBuilder(args, overrides);
        builder.AddAgentsTelemetry(Name, WriterMetrics.MeterName);

        builder.Services.Configure<WriterOptions>(builder.Configuration.GetSection(WriterOptions.Section));
        var writerOptions = builder.Configuration.GetSection(WriterOptions.Section).Get<WriterOptions>() ?? new WriterOptions();
        // Read at start: a missing or malformed policy stops the writer rather than letting writes through.
        builder.Services.AddSingleton(WritePolicy.Load(Path.Combine(AppContext.BaseDirectory, writerOptions.PolicyFile)));
        builder.Services.AddSingleton<WriterMetrics>();
        builder.Services.AddSingleton<BulkGuardService>();
        builder.Services.AddScoped<OpenBatchReadAhead>();
        builder.Services.AddScoped<ISagaReadAhead<Agents.Contracts.ProposeWrite>>(sp => sp.GetRequiredService<OpenBatchReadAhead>());
        // The saga's activities write through these, on the message scope's WriterDbContext (one per attempt).
        builder.Services.AddScoped<BulkHold>();
        builder.Services.AddScoped<WriteAudit>();
        builder.Services.AddScoped<WriteCounts>();
        // A ticket's writes run through the saga in process (ProposeWritesConsumer), each in a span and the log scope
        // of its own write.
        builder.Services.AddSingleton(sp => new StateMachineDispatch<WriteApprovalState, Agents.Contracts.ProposeWrite>(
            sp.GetRequiredService<SagaStateMachine<WriteApprovalState>>(), sp.GetRequiredService<IBusRegistrationContext>(),
            [new ProposalSpanFilter(), ActivatorUtilities.CreateInstance<MessageLogScopeFilter<Agents.Contracts.ProposeWrite>>(sp)]));
        // The writer's one clock (saga, sweepers, endpoints, adapters): a test registers its own to move time.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ExpirySweeper>();
        builder.Services.AddHostedService<RedriveSweeper>();
        builder.Services.AddHostedService<ShadowSettlementSweeper>();
        builder.Services.AddHostedService<PendingWritesMonitor>();
        var connectionString = builder.Configuration.GetConnectionString("Db")
            ?? throw new InvalidOperationException("ConnectionStrings:Db is not set.");
        // Pooled: every message scope (each attempt of a saga message) and request takes a context, so a context's
        // set-up cost is per message. The saga repository and its activities share the scope's one.
        builder.Services.AddPooledDbContextFactory<WriterDbContext>(o => o.UseNpgsql(PreparedStatementConnections.Tune(connectionString)));
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<WriterDbContext>>().CreateDbContext());

        builder.Services.AddCrmAdapters(builder.Configuration);
        builder.Services.AddSingleton<EscalationInbox>();
        builder.Services.AddScoped<EscalationClaims>();
        builder.Services.AddSingleton<TicketLinks>();

        // Before 2026-12-05 the shadow endpoint took every TicketReceived; the binding that did so goes at start.
        builder.Services.AddSingleton(TicketChangesDefinition.RetiredTicketReceivedBinding(
            KebabCaseEndpointNameFormatter.Instance.Consumer<TicketChangesConsumer>()));
        builder.AddAgentsBus(x =>
        {
            x.AddSagaStateMachine<WriteApprovalStateMachine, WriteApprovalState, WriteApprovalSagaDefinition>()
                .PostgresRepository<WriteApprovalState, WriterDbContext>();
            // A ticket's proposals in one message, on the saga's own queue: one queue holds every proposal.
            x.AddConsumer<ProposeWritesConsumer>()
                .Endpoint(e => e.Name = KebabCaseEndpointNameFormatter.Instance.Saga<WriteApprovalState>());
            x.AddConsumer<ApplyWriteConsumer>();
            x.AddConsumer<BatchDecisionConsumer>();
            x.AddConsumer<TicketEscalatedConsumer>();
            x.AddConsumer<TicketChangesConsumer, TicketChangesDefinition>();
        });

        builder.Services.AddNamedTokenAuthentication(ApproverOptions.Section, "approver");
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();

        configure?.Invoke(builder);
        var app = builder.Build();
        // Checked now, not at the first write: a route to the wrong vendor or without credentials stops the writer.
        var routes = app.Services.GetRequiredService<CrmRoutes>();
        app.Logger.LogInformation("CRM routes: {Routes}", routes.Describe());
        // Likewise a ticket-link template that is no address.
        app.Services.GetRequiredService<TicketLinks>();
        var policy = app.Services.GetRequiredService<WritePolicy>();
        app.Logger.LogInformation("Write policy from {PolicyFile}: {Permissions}", policy.Source,
            string.Join(", ", policy.Permissions.Select(p => $"{p.Key}={(!p.Value.Allowed ? "refused" : p.Key.StartsWith("write:", StringComparison.Ordinal) ? p.Value.Mode.Name() : "allowed")}")));
        app.UseApprovalPage();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAgentsHealth();
        app.MapOpenApi();
        app.MapWriterApi();
        return app;
    }

    /// <summary>Migrates the database (safe with several instances), then runs until stopped.</summary>
    public static async Task RunAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        await DatabaseMigration.MigrateAsync<WriterDbContext>(app.Services, cancellationToken);
        await app.RunAsync(cancellationToken);
    }
}
