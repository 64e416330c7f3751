using System.Diagnostics;
using Agents.Contracts;
using Agents.ServiceDefaults;
using MassTransit;

namespace Agents.Writer.Telemetry;

/// <summary>
/// The span of one proposal held in a ticket's <see cref="ProposeWrites"/>: the writes of the batch skip the endpoint's
/// consume pipe, and with it MassTransit's consume span, so without this a trace showed one span for the ticket's
/// three writes. A child of the batch's consume span, named and tagged like the CRM write's
/// (<see cref="Crm.CrmApplyActivity"/>), so a trace reads "propose set-priority … crm apply set-priority".
/// </summary>
public sealed class ProposalSpanFilter : IFilter<ConsumeContext<ProposeWrite>>
{
    public async Task Send(ConsumeContext<ProposeWrite> context, IPipe<ConsumeContext<ProposeWrite>> next)
    {
        var write = context.Message;
        using var activity = AgentsTelemetry.Source.StartActivity($"propose {write.Kind}");
        activity?.SetTag("agents.idempotency_key", write.IdempotencyKey);
        activity?.SetTag("agents.correlation_id", write.CorrelationId);
        try
        {
            await next.Send(context);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("proposalSpan");
}
