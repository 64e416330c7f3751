using Agents.Sagas.Postgres;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Sagas;

/// <summary>
/// What the saga's transitions read from the writer (clock, options, log), taken from the message's scope: the state
/// machine is built once as a singleton and holds no services, so a test can swap any of them. What they write (audit
/// rows, metrics) goes through activities (<see cref="Activities"/>).
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

    /// <summary>
    /// Writes a line once the message's transaction has committed (<see cref="AfterCommit"/>), in the log scope of
    /// where it was asked for. A transition rolled back (the database gone at the commit, a lost race) says nothing
    /// it did not do, and its retry does not say it twice. <paramref name="write"/> runs later: callers pass it values,
    /// not the saga to read then.
    /// </summary>
    public static void LogAfterCommit(this ConsumeContext context, Action<ILogger> write)
    {
        var log = context.Log();
        context.GetServiceOrCreateInstance<AfterCommit>().AddHere(() => write(log));
    }
}
