using Agents.Classifier.Consumers;
using Agents.Classifier.Drafting;
using Agents.Classifier.Drafting.Tools;
using Agents.Classifier.History;
using Agents.Classifier.Hydration;
using Agents.Classifier.Llm;
using Agents.Classifier.Persistence;
using Agents.Classifier.Pipeline;
using Agents.Classifier.Rules;
using Agents.Classifier.Steps;
using Agents.Crm.Policy;
using Agents.Crm.Reading;
using Agents.ServiceDefaults;
using Agents.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Agents.Classifier;

/// <summary>Builds the classifier: TicketReceived in, TicketClassified and ProposeWrite/TicketEscalated out.</summary>
public static class ClassifierService
{
    public const string Name = "agents-classifier";

    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = ServiceHost.CreateBuilder(args, overrides);
        builder.AddAgentsTelemetry(Name, ClassifierMetrics.MeterName);
        var connectionString = builder.Configuration.GetConnectionString("Db")
            ?? throw new InvalidOperationException("ConnectionStrings:Db is not set.");
        builder.Services.AddClassifierPersistence(connectionString);
        builder.Services.AddHostedService<ClassifierRetention>();
        builder.Services.AddClassifierCore(builder.Configuration);
        // Read at start: a missing or malformed policy stops the classifier rather than reading what it may not.
        var policyFile = builder.Configuration.GetSection(ClassifierOptions.Section).Get<ClassifierOptions>()?.PolicyFile ?? "policy.yaml";
        builder.Services.AddSingleton(AgentPolicy.Load(Path.Combine(AppContext.BaseDirectory, policyFile)));
        builder.Services.AddCrmReaders(builder.Configuration);
        builder.Services.AddSingleton<TicketHydrator>();
        var tickets = TicketsInProgress(builder);
        builder.AddAgentsBus(x => x.AddConsumer<TicketReceivedConsumer>().Endpoint(e =>
        {
            if (tickets is not int n)
                return;
            e.ConcurrentMessageLimit = n;
            e.PrefetchCount = new RabbitMqOptions { ConcurrentMessageLimit = n }.EffectivePrefetchCount;
        }));
        builder.Services.AddOpenApi();
        builder.Services.AddNamedTokenAuthentication(ClassifierOptions.OperatorsSection, "operator");

        var app = builder.Build();
        app.MapOpenApi();
        app.MapAgentsHealth();
        app.MapClassifierApi();
        return app;
    }

    /// <summary>
    /// With an LLM, the concurrency a deployment configures (<c>Classifier:Llm:ConcurrentCalls</c>, else
    /// <c>RabbitMq:ConcurrentMessageLimit</c>) bounds the LLM calls in flight, and the ticket endpoint works on
    /// <see cref="LlmOptions.TicketsInProgress"/> tickets at once (twice the calls unless set): a slot that held its
    /// ticket through the database round trips and publishes around the call sat idle for the model that long (issue
    /// #18). Without an LLM nothing waits on a model, and the endpoint keeps the bus's limit.
    /// </summary>
    private static int? TicketsInProgress(WebApplicationBuilder builder)
    {
        var llm = builder.Configuration.GetSection(ClassifierOptions.Section).Get<ClassifierOptions>()?.Llm ?? new LlmOptions();
        if (!llm.Enabled)
            return null;
        var calls = llm.ConcurrentCalls
            ?? builder.Configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>()?.ConcurrentMessageLimit
            ?? new RabbitMqOptions().ConcurrentMessageLimit;
        if (calls < 1 || llm.TicketsInProgress < 1)
            throw new InvalidOperationException("Classifier:Llm:ConcurrentCalls and Classifier:Llm:TicketsInProgress must be at least 1.");
        builder.Services.PostConfigure<ClassifierOptions>(o => o.Llm.ConcurrentCalls = calls);
        return llm.TicketsInProgress ?? LlmOptions.DefaultTicketsInProgress(calls);
    }

    /// <summary>
    /// Rules, LLM, breaker, metrics and the classifier itself: everything but the bus and the database (the replay
    /// tool adds its own cache).
    /// </summary>
    public static IServiceCollection AddClassifierCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ClassifierOptions>(configuration.GetSection(ClassifierOptions.Section));
        services.AddMetrics();
        services.AddSingleton<ClassifierMetrics>();
        services.AddSingleton<RuleBasedClassifier>();
        services.AddSingleton<LlmBreaker>();
        services.AddSingleton(sp =>
        {
            var llm = sp.GetRequiredService<IOptions<ClassifierOptions>>().Value.Llm;
            return llm.Enabled
                ? new LlmClient(LlmChatClientFactory.Create(llm), sp.GetRequiredService<IOptions<ClassifierOptions>>(), sp.GetRequiredService<ClassifierMetrics>())
                : null!;
        });
        services.AddSingleton(sp => new TicketClassifier(
            sp.GetRequiredService<RuleBasedClassifier>(),
            sp.GetRequiredService<IClassificationCache>(),
            sp.GetRequiredService<ClassifierMetrics>(),
            sp.GetRequiredService<IOptions<ClassifierOptions>>(),
            sp.GetRequiredService<LlmBreaker>(),
            sp.GetService<LlmClient>()));
        services.AddSingleton<ITicketClassifier>(sp => sp.GetRequiredService<TicketClassifier>());
        services.AddSingleton(sp =>
        {
            var drafts = sp.GetRequiredService<IOptions<ClassifierOptions>>().Value.Drafts;
            if (ReplyDrafter.Misconfigured(drafts) is { } wrong)
                throw new InvalidOperationException(wrong);
            return ReplyTemplates.Load(Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, drafts.TemplatesFile));
        });
        services.AddSingleton<DraftValidator>();
        // Without a database (the replay's dry run, in-process tests) the history lives in the process.
        services.TryAddSingleton<ITicketHistory, InMemoryTicketHistory>();
        // The reader agent's reads in the permissions file; without one (the replay's dry run, in-process tests), the
        // shipped file's grant for the history (read:tickets).
        services.TryAddSingleton(sp => new ToolGrants(sp.GetService<AgentPolicy>() is { } policy
            ? policy.Reads.Where(r => r.Value.Allowed).Select(r => r.Key).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string> { ToolGrants.Tickets }));
        services.AddSingleton<IDraftTool, TicketHistoryTool>();
        // Offered for the sources whose CRM reader is configured (AddCrmReaders); none in the replay's dry run.
        services.AddSingleton<IDraftTool, CustomerTool>();
        services.AddSingleton<DraftToolbox>();
        services.AddSingleton<DraftMemory>();
        services.AddSingleton(sp => new ReplyDrafter(
            sp.GetRequiredService<IOptions<ClassifierOptions>>(),
            sp.GetRequiredService<ReplyTemplates>(),
            sp.GetRequiredService<DraftValidator>(),
            sp.GetRequiredService<LlmBreaker>(),
            sp.GetRequiredService<ClassifierMetrics>(),
            sp.GetRequiredService<DraftToolbox>(),
            sp.GetRequiredService<DraftMemory>(),
            sp.GetService<LlmClient>()));
        services.AddHostedService<ClassifierStartupReport>();
        return services;
    }

    /// <summary>Migrates the classifier's tables (safe with several instances), then runs until stopped.</summary>
    public static async Task RunAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        await DatabaseMigration.MigrateAsync<ClassifierDbContext>(app.Services, cancellationToken);
        await app.RunAsync(cancellationToken);
    }
}
