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
}
