using Agents.Writer.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Sagas;

/// <summary>
/// What the saga's transitions need from the writer (clock, options, log, metrics), taken from the message's scope:
/// the state machine is built once as a singleton and holds no services, so a test can swap any of them.
/// </summary>
public static class SagaServices
{
    public static DateTimeOffset Now(this ConsumeContext context) =>
        context.GetServiceOrCreateInstance<TimeProvider>().GetUtcNow();

    public static WriterOptions WriterOptions(this ConsumeContext context) =>
        context.GetServiceOrCreateInstance<IOptions<WriterOptions>>().Value;

    // One category for every line the saga writes: the shipped log volume is measured per ticket with it.
    public static ILogger Log(this ConsumeContext context) =>
        context.GetServiceOrCreateInstance<ILogger<WriteApprovalStateMachine>>();

    /// <summary>Counted once the transaction commits: a first copy that loses the race to another writer is not counted twice.</summary>
    public static void CountProposal<T>(this SagaConsumeContext<WriteApprovalState, T> context, string outcome) where T : class
    {
        var metrics = context.GetServiceOrCreateInstance<WriterMetrics>();
        context.AfterCommit(() => metrics.Proposal(outcome));
    }

    /// <summary>How long the decision waited, counted once the transaction commits.</summary>
    public static void CountDecision<T>(this SagaConsumeContext<WriteApprovalState, T> context, TimeSpan waited) where T : class
    {
        var metrics = context.GetServiceOrCreateInstance<WriterMetrics>();
        context.AfterCommit(() => metrics.Decided(waited));
    }
}
