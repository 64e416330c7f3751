using System.Diagnostics;
using Agents.Contracts;
using Agents.ServiceDefaults;

namespace Agents.Writer.Crm;

/// <summary>
/// The span of one CRM write. Its parent is the ticket's trace (carried on <see cref="ApplyWrite"/>), so one ticket
/// reads as one trace from webhook to CRM write; the trace the write arrived in (a person's approval) is linked.
/// </summary>
public static class CrmApplyActivity
{
    public static Activity? Start(ApplyWrite write, string adapter)
    {
        var arrivedIn = Activity.Current;
        ActivityLink[]? links = arrivedIn is null ? null : [new ActivityLink(arrivedIn.Context)];
        var parent = write.TicketTraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, out var ticket)
            ? ticket
            : arrivedIn?.Context ?? default;
        var activity = AgentsTelemetry.Source.StartActivity($"crm apply {write.Kind}", ActivityKind.Client, parent,
            links: links);
        activity?.SetTag("agents.idempotency_key", write.IdempotencyKey);
        activity?.SetTag("agents.crm.adapter", adapter);
        return activity;
    }
}
