using Agents.Classifier.Consumers;
using Agents.Classifier.Rules;
using Agents.ServiceDefaults;

namespace Agents.Classifier;

/// <summary>Builds the classifier: TicketReceived in, TicketClassified and ProposeWrite/TicketEscalated out.</summary>
public static class ClassifierService
{
    public const string Name = "agents-classifier";

    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = ServiceHost.CreateBuilder(args, overrides);
        builder.AddAgentsTelemetry(Name);
        builder.Services.Configure<ClassifierOptions>(builder.Configuration.GetSection(ClassifierOptions.Section));
        builder.Services.AddSingleton<RuleBasedClassifier>();
        builder.Services.AddSingleton<ITicketClassifier>(sp => sp.GetRequiredService<RuleBasedClassifier>());
        builder.AddAgentsBus(x => x.AddConsumer<TicketReceivedConsumer>());

        var app = builder.Build();
        app.MapAgentsHealth();
        return app;
    }
}
