using MassTransit;
using MassTransit.Configuration;
using Microsoft.Extensions.Logging;

namespace Agents.ServiceDefaults.Redelivery;

public static class DelayQueueRedeliveryConfiguration
{
    /// <summary>
    /// For every message type of the endpoint: when the filters inside give up on a failure <see cref="TransientFailures"/>
    /// calls transient, the message goes to a delay queue and comes back after the next wait of
    /// <paramref name="schedule"/>; past the schedule, or on any other failure, it faults (<c>_error</c>). Configure it
    /// before the in-memory retry, so it is the outer of the two.
    /// </summary>
    public static void UseDelayQueueRedelivery(this IConsumePipeConfigurator configurator, RedeliverySchedule schedule,
        RabbitMqOptions options, RedeliveryMetrics metrics, ILogger logger)
    {
        var intervals = schedule.Intervals().ToArray();
        if (intervals.Length == 0)
            return;
        _ = new DelayQueueRedeliveryObserver(configurator, r =>
        {
            r.Handle<Exception>(TransientFailures.IsTransient);
            r.Intervals(intervals);
        }, options, metrics, logger);
    }

    /// <summary>MassTransit's own per-message-type redelivery wiring, with our filter in place of the plugin's.</summary>
    private sealed class DelayQueueRedeliveryObserver(IConsumePipeConfigurator configurator, Action<IRedeliveryConfigurator> configure,
        RabbitMqOptions options, RedeliveryMetrics metrics, ILogger logger) : ScheduledRedeliveryConfigurationObserver(configurator, configure)
    {
        protected override IRedeliveryPipeSpecification AddRedeliveryPipeSpecification<TMessage>(IConsumePipeConfigurator pipe)
        {
            var specification = new Specification<TMessage>(options, metrics, logger);
            pipe.AddPipeSpecification(specification);
            return specification;
        }
    }

    private sealed class Specification<TMessage>(RabbitMqOptions options, RedeliveryMetrics metrics, ILogger logger)
        : IPipeSpecification<ConsumeContext<TMessage>>, IRedeliveryPipeSpecification
        where TMessage : class
    {
        // A new message id would defeat the duplicate checks downstream; nothing else is asked of the options.
        public RedeliveryOptions Options { get; set; }

        public void Apply(IPipeBuilder<ConsumeContext<TMessage>> builder) =>
            builder.AddFilter(new DelayQueueRedeliveryFilter<TMessage>(options, metrics, logger));

        public IEnumerable<ValidationResult> Validate() => [];
    }
}
