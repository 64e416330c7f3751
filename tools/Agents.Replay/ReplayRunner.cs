using System.Diagnostics;
using Agents.Classifier;
using Agents.Classifier.Drafting;
using Agents.Classifier.Persistence;
using Agents.Classifier.Pipeline;
using Agents.Classifier.Rules;
using Agents.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agents.Replay;

/// <summary>
/// Runs the service's own classifier (rules, and the LLM with its breaker when configured) over tickets, in
/// process, with an in-memory cache and no bus or database: nothing is written anywhere. A ticket the service would
/// draft a reply for is drafted as the service would (the LLM with its tools and bounds, or the template).
/// </summary>
public sealed class ReplayRunner : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ReplayRunner(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole());
        services.AddSingleton<IHostEnvironment>(new ContentRootEnvironment("Agents.Replay"));
        services.AddSingleton<IClassificationCache, InMemoryClassificationCache>();
        services.AddClassifierCore(configuration);
        _services = services.BuildServiceProvider();
        Classifier = _services.GetRequiredService<TicketClassifier>();
        _drafter = _services.GetRequiredService<ReplyDrafter>();
        _rules = _services.GetRequiredService<RuleBasedClassifier>();
    }

    private readonly ReplyDrafter _drafter;
    private readonly RuleBasedClassifier _rules;

    public TicketClassifier Classifier { get; }

    public async Task<ReplayResult> ClassifyAsync(ReplayTicket ticket, CancellationToken cancellationToken)
    {
        var message = new TicketReceived
        {
            Source = "replay",
            ExternalId = ticket.Id,
            EventKind = "replay",
            DeliveryId = "replay-" + ticket.Id,
            Subject = ticket.Subject,
            Body = ticket.Body,
            ReceivedAt = DateTimeOffset.UtcNow,
        };
        var started = Stopwatch.GetTimestamp();
        var steps = new StepRecorder(message);
        var result = await Classifier.ClassifyAsync(message, steps, cancellationToken);
        ReplayDraft? draft = null;
        if (result.EscalationReason is null && _drafter.Enabled)
        {
            var drafted = await _drafter.DraftAsync(message, result, steps, cancellationToken);
            draft = new ReplayDraft(drafted?.By ?? "skipped", drafted is null ? null : _rules.DetectLanguage(drafted.Text),
                steps.Steps.Any(s => s.Step == "draft-refused"), steps.Steps.Count(s => s.Step == "tool-call"));
        }
        return new ReplayResult(ticket, result.Classification, result.EscalationReason, Stopwatch.GetElapsedTime(started), draft);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
