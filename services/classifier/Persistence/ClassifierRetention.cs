using Microsoft.Extensions.Options;
using Npgsql;

namespace Agents.Classifier.Persistence;

/// <summary>
/// Keeps the classifier's bookkeeping bounded: handled deliveries older than <c>Classifier__DeliveryWindow</c>,
/// leases that ran out long ago (their holder died), and ticket outcomes older than the drafting history's window
/// (<c>Classifier:Drafts:Tools:HistoryWindow</c>) are deleted every hour. Several instances may run it at once;
/// the deletes are idempotent.
/// </summary>
public sealed class ClassifierRetention(ClassifierDataSource dataSource, IOptions<ClassifierOptions> options,
    ILogger<ClassifierRetention> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var deliveries = dataSource.Source.CreateCommand("DELETE FROM classifier_deliveries WHERE \"HandledAt\" < now() - $1");
        deliveries.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = options.Value.DeliveryWindow });
        var forgotten = await deliveries.ExecuteNonQueryAsync(cancellationToken);
        await using var leases = dataSource.Source.CreateCommand("DELETE FROM classifier_leases WHERE \"Until\" < now() - interval '1 hour'");
        var expired = await leases.ExecuteNonQueryAsync(cancellationToken);
        await using var outcomes = dataSource.Source.CreateCommand("DELETE FROM classifier_ticket_outcomes WHERE \"At\" < now() - $1");
        outcomes.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = options.Value.Drafts.Tools.HistoryWindow });
        var aged = await outcomes.ExecuteNonQueryAsync(cancellationToken);
        if (forgotten + expired + aged > 0)
            logger.LogInformation("Retention: removed {Deliveries} handled deliveries, {Leases} expired leases and {Outcomes} outcomes past the history window",
                forgotten, expired, aged);
        return forgotten + expired + aged;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Classifier retention failed; trying again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
