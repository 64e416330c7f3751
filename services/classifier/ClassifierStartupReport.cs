using Agents.Classifier.Pipeline;
using Microsoft.Extensions.Options;

namespace Agents.Classifier;

/// <summary>Says at start-up what classifies tickets: the LLM (which endpoint host and model) or the rules alone.</summary>
public sealed class ClassifierStartupReport(TicketClassifier classifier, IOptions<ClassifierOptions> options,
    ILogger<ClassifierStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var llm = options.Value.Llm;
        if (classifier.UsesLlm)
        {
            // The host only: an endpoint URI may carry a key in its query (Azure), and keys never go to logs.
            logger.LogInformation("Classifier uses the LLM {Model} at {Host} (timeout {Timeout}), rules as fallback; {Count} categories",
                llm.Model, new Uri(llm.Endpoint).Host, llm.Timeout, classifier.Taxonomy.Count);
        }
        else
        {
            logger.LogWarning("Classifier runs on rules alone: no LLM configured (Classifier__Llm__Endpoint is empty)");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
