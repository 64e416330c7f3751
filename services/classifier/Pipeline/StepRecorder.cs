using System.Diagnostics;
using Agents.Classifier.Persistence;
using Agents.Contracts;

namespace Agents.Classifier.Pipeline;

/// <summary>Collects one ticket's steps (with the current trace id) until they are written in one go.</summary>
public sealed class StepRecorder(TicketReceived ticket)
{
    private readonly List<TicketStep> _steps = [];

    public IReadOnlyList<TicketStep> Steps => _steps;

    /// <summary>The steps as <c>step:outcome</c>, in order (<c>received, llm-request:ok, result:llm, proposals:ok</c>): no details.</summary>
    public string Outline() => string.Join(", ", _steps.Select(s => s.Outcome is null ? s.Step : $"{s.Step}:{s.Outcome}"));

    public void Add(string step, string? outcome = null, string? detail = null, string? model = null,
        TimeSpan? latency = null, long? inputTokens = null, long? outputTokens = null) =>
        _steps.Add(new TicketStep
        {
            Source = ticket.Source,
            ExternalId = ticket.ExternalId,
            DeliveryId = ticket.DeliveryId,
            TraceId = Activity.Current?.TraceId.ToHexString(),
            Step = step,
            At = DateTimeOffset.UtcNow,
            Model = model,
            LatencyMs = latency is { } l ? Math.Round(l.TotalMilliseconds, 1) : null,
            InputTokens = inputTokens,
            OutputTokens = outputTokens,
            Outcome = outcome,
            Detail = detail is { Length: > 1000 } ? detail[..1000] : detail,
        });
}
