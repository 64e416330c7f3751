using System.Diagnostics;
using Agents.Classifier;
using Agents.Classifier.Persistence;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agents.Replay;

/// <summary>
/// Runs the service's own classifier (rules, and the LLM with its breaker when configured) over tickets, in
/// process, with an in-memory cache and no bus or database: nothing is written anywhere.
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
    }

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
        var result = await Classifier.ClassifyAsync(message, new StepRecorder(message), cancellationToken);
        return new ReplayResult(ticket, result.Classification, result.EscalationReason, Stopwatch.GetElapsedTime(started));
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
