using Agents.Writer.Sagas;
using MassTransit;

namespace Agents.Writer;

/// <summary>
/// Messages for one write are handled one at a time within an instance (partitioned by saga id); across
/// instances the row lock serializes them.
/// </summary>
public sealed class WriteApprovalSagaDefinition : SagaDefinition<WriteApprovalState>
{
    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<WriteApprovalState> sagaConfigurator, IRegistrationContext context)
    {
        // Many partitions: each is only a semaphore, and fewer would make unrelated writes wait on each other.
        var partition = endpointConfigurator.CreatePartitioner(64);
        sagaConfigurator.Message<Agents.Contracts.ProposeWrite>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
        sagaConfigurator.Message<Agents.Contracts.ApproveWrite>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
        sagaConfigurator.Message<Agents.Contracts.RejectWrite>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
        sagaConfigurator.Message<Agents.Contracts.WriteApplied>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
        sagaConfigurator.Message<Agents.Contracts.WriteFailed>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
        sagaConfigurator.Message<Agents.Contracts.BatchWriteDecided>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
        sagaConfigurator.Message<Agents.Contracts.ExpireWrite>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
        sagaConfigurator.Message<Agents.Contracts.RedriveWrite>(m => m.UsePartitioner(partition, c => c.Message.CorrelationId));
    }
}
