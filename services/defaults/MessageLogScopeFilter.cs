using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Agents.ServiceDefaults;

/// <summary>
/// Opens a log scope for every consumed message with the ticket and write it is about (source, external id,
/// idempotency key, saga id), so every log line written while handling it carries them, whatever logs it.
/// The trace id and span id come from the activity (ActivityTrackingOptions).
/// </summary>
public sealed class MessageLogScopeFilter<T>(ILogger<MessageLogScopeFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    // Only identifiers: never a subject, a body or a requester, which may carry personal data.
    private static readonly string[] ScopeNames = ["Source", "ExternalId", "IdempotencyKey", "CorrelationId"];

    // Per closed generic type, so the reflection runs once per message type.
    private static readonly (string Name, PropertyInfo Property)[] ScopeProperties = ScopeNames
        .Select(n => (n, typeof(T).GetProperty(n, BindingFlags.Public | BindingFlags.Instance)))
        .Where(p => p.Item2 is not null)
        .Select(p => (p.n, p.Item2!))
        .ToArray();

    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var scope = new Dictionary<string, object?>(ScopeProperties.Length + 1) { ["MessageId"] = context.MessageId };
        foreach (var (name, property) in ScopeProperties)
            scope[name] = property.GetValue(context.Message);
        using (logger.BeginScope(scope))
            await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("messageLogScope");
}
